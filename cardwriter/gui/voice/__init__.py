"""The writer's voice: marking cards as mine, the closeness warnings and the voice chart."""
