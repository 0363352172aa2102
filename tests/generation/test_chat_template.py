"""Chat templates are rendered in Jinja's sandbox; a hostile GGUF cannot run commands."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import gguf
import pytest

from cardwriter.errors import UserError
from cardwriter.generation.chat_template import PROBE_MESSAGES, ChatTemplate, TemplateRefused
from cardwriter.generation.gguf_header import read_header

CHATML = (
    "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)


def write_gguf(path: Path, template: str) -> Path:
    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_name("hostile test model")
    writer.add_chat_template(template)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path


def escape_templates(marker: Path) -> list[str]:
    command = f"touch {marker}"
    return [
        # the CVE-2024-34359 shape: reach os through a global's __init__.__globals__
        "{{ cycler.__init__.__globals__.os.system('" + command + "') }}",
        # walk the class hierarchy to a subclass that imports os
        "{% for c in ''.__class__.__mro__[1].__subclasses__() %}{% if c.__name__ == 'catch_warnings' %}"
        "{{ c()._module.__builtins__['__import__']('os').system('" + command + "') }}{% endif %}{% endfor %}",
        # try it only for a real conversation, not a probe with a system message
        "{% if messages|length == 1 %}{{ joiner.__init__.__globals__.os.popen('"
        + command
        + "').read() }}{% endif %}"
        + CHATML,
    ]


def test_the_real_model_template_renders_chatml(engine):
    text = engine.template.render([{"role": "user", "content": "Hi"}], bos_token="<s>", eos_token="</s>")
    assert text.endswith("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n")


@pytest.mark.parametrize("attack", range(3))
def test_a_template_that_tries_to_escape_is_refused_and_runs_nothing(tmp_path, attack):
    marker = tmp_path / "pwned"
    template = escape_templates(marker)[attack]
    with pytest.raises(TemplateRefused) as caught:
        ChatTemplate(template, "evil.gguf").render([{"role": "user", "content": "hello"}])
    assert "evil.gguf" in str(caught.value)
    assert "tried to reach Python internals" in str(caught.value)
    assert not marker.exists()


@pytest.mark.slow
def test_a_hostile_gguf_is_refused_before_llama_cpp_loads_it(tmp_path):
    from cardwriter.generation.llama import LlamaEngine

    marker = tmp_path / "pwned"
    model = write_gguf(tmp_path / "hostile.gguf", escape_templates(marker)[0])
    assert read_header(model).get_str("tokenizer.chat_template") == escape_templates(marker)[0]
    with pytest.raises(
        UserError, match=r"chat template in .*hostile\.gguf tried to reach Python internals.*do not use it"
    ):
        LlamaEngine(model)
    assert not marker.exists()


def test_a_conditional_attack_is_still_caught_at_render_time(tmp_path):
    marker = tmp_path / "pwned"
    template = ChatTemplate(escape_templates(marker)[2], "sly.gguf")  # the probe passes
    with pytest.raises(TemplateRefused, match="sly.gguf"):
        template.render([{"role": "user", "content": "a real request"}])
    assert not marker.exists()


def test_a_benign_template_renders(tmp_path):
    text = ChatTemplate(CHATML, "ok.gguf").render([{"role": "user", "content": "Hi"}])
    assert text == "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n"


def test_invalid_jinja_is_a_clear_error():
    with pytest.raises(TemplateRefused, match=r"broken\.gguf is not valid Jinja"):
        ChatTemplate("{% for m in messages %}", "broken.gguf")


def test_raise_exception_in_a_template_is_a_clear_error():
    with pytest.raises(TemplateRefused, match=r"strict\.gguf failed \(roles must alternate\)"):
        ChatTemplate("{{ raise_exception('roles must alternate') }}", "strict.gguf")


NESTED_LOOPS = "{% for a in range(100000) %}{% for b in range(100000) %}x{% endfor %}{% endfor %}"
SILENT_LOOPS = "{% set r = range(100000) %}{% for a in r %}{% for b in r %}{% endfor %}{% endfor %}done"


@pytest.mark.parametrize(
    "template",
    [
        NESTED_LOOPS,  # writes text forever
        SILENT_LOOPS,  # writes nothing and calls nothing inside the loops
        "{{ 'x' * 1000000000 }}",  # one expression asks for a gigabyte
        "{{ (range(10)|list) * 1000000000 }}",
        "{{ 7 ** 100000000 }}",
        "{% set ns = namespace(s='xy') %}{% for i in range(64) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s|length }}",
    ],
    ids=["nested-loops", "silent-loops", "huge-string", "huge-list", "huge-number", "doubling"],
)
def test_a_template_past_its_limits_is_refused_quickly(template):
    started = time.monotonic()
    with pytest.raises(
        TemplateRefused, match=r"the chat template in greedy\.gguf was stopped: it .*pick another model file"
    ):
        ChatTemplate(template, "greedy.gguf")
    assert time.monotonic() - started < 3


def test_a_template_that_loops_only_for_a_real_conversation_is_stopped_at_render_time():
    sly = "{% if messages|length == 1 %}" + NESTED_LOOPS + "{% endif %}" + CHATML
    template = ChatTemplate(sly, "sly.gguf")  # the probe's two messages pass
    with pytest.raises(TemplateRefused, match=r"sly\.gguf was stopped"):
        template.render([{"role": "user", "content": "a real request"}])
    assert template.render(list(PROBE_MESSAGES)).endswith("<|im_start|>assistant\n")  # still usable otherwise


def test_rendering_restores_the_threads_trace_function():
    calls = []

    def tracer(frame, event, arg):
        calls.append(event)

    sys.settrace(tracer)
    try:
        ChatTemplate(CHATML, "ok.gguf").render([{"role": "user", "content": "Hi"}])
        with pytest.raises(TemplateRefused):
            ChatTemplate(SILENT_LOOPS, "bad.gguf")
        assert sys.gettrace() is tracer
    finally:
        sys.settrace(None)


def test_a_long_real_conversation_renders_within_the_limits():
    messages = [{"role": "user" if i % 2 else "assistant", "content": "word " * 2000} for i in range(40)]
    text = ChatTemplate(CHATML, "ok.gguf").render(messages)
    assert text.count("<|im_start|>") == 41
