"""A model's own chat template, rendered in Jinja's sandbox.

A GGUF file is untrusted input, and its ``tokenizer.chat_template`` is code.
llama-cpp-python's CVE-2024-34359 was remote code execution through exactly
this: a template rendered outside a sandbox reached ``os`` through
``__class__``/``__globals__``. Here every template is rendered in an
``ImmutableSandboxedEnvironment`` that, unlike Jinja's default (which quietly
renders an unsafe attribute as empty), raises at the first attempt to reach
an unsafe attribute; the attempt becomes a ``UserError`` naming the file.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, NoReturn

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from cardwriter.errors import UserError

PROBE_MESSAGES = (
    {"role": "system", "content": "You are a writing assistant."},
    {"role": "user", "content": "Rewrite this paragraph."},
)


class TemplateRefused(UserError):
    """A chat template that is broken or tries to escape the sandbox."""


class _StrictSandbox(ImmutableSandboxedEnvironment):
    def unsafe_undefined(self, obj: Any, attribute: str) -> NoReturn:  # type: ignore[override]
        raise SecurityError(f"access to attribute {attribute!r} of a {type(obj).__name__} object is not allowed")


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
            return self._template.render(
                messages=list(messages),
                bos_token=bos_token,
                eos_token=eos_token,
                add_generation_prompt=add_generation_prompt,
            )
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
                f"the chat template in {self.origin} failed ({type(exc).__name__}: {exc}); "
                "pick another model file"
            ) from None

