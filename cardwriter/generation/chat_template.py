"""A model's own chat template, rendered in Jinja's sandbox.

A GGUF file is untrusted input, and its ``tokenizer.chat_template`` is code.
llama-cpp-python's CVE-2024-34359 was remote code execution through exactly
this: a template rendered outside a sandbox reached ``os`` through
``__class__``/``__globals__``. Here every template is rendered in an
``ImmutableSandboxedEnvironment`` that, unlike Jinja's default (which quietly
renders an unsafe attribute as empty), raises at the first attempt to reach
an unsafe attribute; the attempt becomes a ``UserError`` naming the file.

The sandbox bounds what a template may reach, not how long it runs: a
template with nested loops renders for hours, and ``"x" * 10**10`` asks for
gigabytes. So a render also has limits, and breaking one is a
``TemplateRefused`` naming the file:

- steps and time: while the template's own code runs, a trace function
  (``sys.settrace``, for this thread only and only in the template's frames)
  counts the lines it executes and checks the clock. Every loop iteration
  executes a line, whatever it iterates over, so no loop escapes the count;
  counting calls or attribute lookups instead would miss a loop over a range
  made once. The trace is on only during a render (a few milliseconds for a
  real chat template) and the previous one (a debugger's, coverage's) is put
  back afterwards.
- size: the output is collected chunk by chunk and refused past a cap;
  ``*`` and ``**`` are intercepted so one expression cannot build a huge
  string, list or number, and ``namespace()`` refuses to hold a huge value,
  so text cannot double up across loop iterations.

The model probe (``model_probe``) also renders every template once with
sample messages in a child process that has its own time limit, so a template
that hangs whatever it is given is refused before this process renders it.
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from types import FrameType
from typing import Any, NoReturn

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import Namespace

from cardwriter.errors import UserError

PROBE_MESSAGES = (
    {"role": "system", "content": "You are a writing assistant."},
    {"role": "user", "content": "Rewrite this paragraph."},
)


MAX_SECONDS = 1.0  # a real chat template renders in milliseconds
MAX_STEPS = 1_000_000  # lines of template code executed in one render
MAX_OUTPUT = 1_000_000  # characters a render may produce (far beyond any context window)
_MAX_INT_BITS = 4096
_TEMPLATE_FILENAME = "<template>"  # what Jinja names code compiled from a string


class TemplateRefused(UserError):
    """A chat template that is broken, tries to escape the sandbox, or runs past its limits."""


class _OverBudget(Exception):
    """Raised inside a render that went past a limit; ``what`` says which."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


def _too_big(value: object) -> bool:
    return isinstance(value, (str, bytes, list, tuple)) and len(value) > MAX_OUTPUT


class _BoundedNamespace(Namespace):
    """``namespace()`` that refuses a huge value, so a loop cannot double a string in it."""

    def __setitem__(self, name: str, value: Any) -> None:
        if _too_big(value):
            raise _OverBudget(f"it builds a value of more than {MAX_OUTPUT} items")
        super().__setitem__(name, value)


class _StrictSandbox(ImmutableSandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**"})

    def unsafe_undefined(self, obj: Any, attribute: str) -> NoReturn:
        raise SecurityError(f"access to attribute {attribute!r} of a {type(obj).__name__} object is not allowed")

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        """``*`` and ``**``, refused before they build something huge."""
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                if (
                    isinstance(seq, (str, bytes, list, tuple))
                    and isinstance(times, int)
                    and len(seq) * times > MAX_OUTPUT
                ):
                    raise _OverBudget(f"it builds a value of more than {MAX_OUTPUT} items")
        if operator == "**" and isinstance(left, int) and isinstance(right, int) and abs(left) > 1:
            if right * math.log2(abs(left)) > _MAX_INT_BITS:
                raise _OverBudget(f"it computes a number of more than {_MAX_INT_BITS} bits")
        return super().call_binop(context, operator, left, right)


class _StepBudget:
    """Counts the lines the template's code executes in this thread; raises past the step or time limit."""

    def __init__(self) -> None:
        self.steps = 0
        self.deadline = time.monotonic() + MAX_SECONDS
        self.previous: Callable[..., Any] | None = None  # sys.gettrace(): whoever traced before

    def __enter__(self) -> _StepBudget:
        self.previous = sys.gettrace()
        sys.settrace(self._on_call)
        return self

    def __exit__(self, *exc: object) -> None:
        sys.settrace(self.previous)

    def _on_call(self, frame: FrameType, event: str, arg: Any):  # a trace function
        return self._on_line if frame.f_code.co_filename == _TEMPLATE_FILENAME else None

    def _on_line(self, frame: FrameType, event: str, arg: Any):  # a trace function
        if event == "line":
            self.steps += 1
            if self.steps > MAX_STEPS:
                raise _OverBudget(f"it ran more than {MAX_STEPS} steps")
            if self.steps % 512 == 0 and time.monotonic() > self.deadline:
                raise _OverBudget(f"it ran longer than {MAX_SECONDS:g} s")
        return self._on_line


def _raise_exception(message: str) -> NoReturn:
    raise jinja2.TemplateError(message)


def _strftime_now(fmt: str) -> str:
    return datetime.now().strftime(fmt)


class ChatTemplate:
    """A compiled chat template from ``origin`` (a file name, for messages)."""

    def __init__(self, source: str, origin: str) -> None:
        self.origin = origin
        env = _StrictSandbox(trim_blocks=True, lstrip_blocks=True, extensions=["jinja2.ext.loopcontrols"])
        env.globals["raise_exception"] = _raise_exception
        env.globals["strftime_now"] = _strftime_now
        env.globals["namespace"] = _BoundedNamespace
        try:
            self._template = env.from_string(source)
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateRefused(
                f"the chat template in {origin} is not valid Jinja ({exc.message}, line {exc.lineno}); "
                "pick another model file"
            ) from None
        self.render(PROBE_MESSAGES)  # a hostile or broken template fails here, before any real use

    def render(
        self,
        messages: Sequence[dict[str, str]],
        bos_token: str = "",
        eos_token: str = "",
        add_generation_prompt: bool = True,
    ) -> str:
        try:
            return self._render_bounded(
                messages=list(messages),
                bos_token=bos_token,
                eos_token=eos_token,
                add_generation_prompt=add_generation_prompt,
            )
        except _OverBudget as exc:
            raise TemplateRefused(
                f"the chat template in {self.origin} was stopped: {exc.what}; a chat template needs a tiny "
                "fraction of that, so this one is broken or hostile: pick another model file"
            ) from None
        except SecurityError as exc:
            raise TemplateRefused(
                f"the chat template in {self.origin} tried to reach Python internals ({exc}); "
                "this model file may be malicious: do not use it, pick another model file"
            ) from None
        except jinja2.TemplateError as exc:
            raise TemplateRefused(
                f"the chat template in {self.origin} failed ({exc}); pick another model file"
            ) from None
        except Exception as exc:  # a template is code: any failure in it is the file's fault
            raise TemplateRefused(
                f"the chat template in {self.origin} failed ({type(exc).__name__}: {exc}); pick another model file"
            ) from None

    def _render_bounded(self, **variables: Any) -> str:
        """The rendered text, chunk by chunk under a step, time and size budget."""
        chunks: list[str] = []
        size = 0
        with _StepBudget():
            for chunk in self._template.generate(**variables):
                size += len(chunk)
                if size > MAX_OUTPUT:
                    raise _OverBudget(f"it wrote more than {MAX_OUTPUT} characters")
                chunks.append(chunk)
        return "".join(chunks)
