"""The writer's everyday tools: find and replace, spelling, focus mode, the navigator, the session target."""
