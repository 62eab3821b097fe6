"""The knobs added with the library work are bounded: a value past the limit is refused at start, not obeyed
(QA__INGESTION__EMBED_BATCH=100000 would hold a whole library's texts in one embedder call)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from qa_service.settings import Settings


@pytest.mark.parametrize(
    ("section", "field", "over", "edge"),
    [
        ("ingestion", "embed_batch", 4097, 4096),
        ("ingestion", "embed_batch", 0, 1),
        ("retrieval", "form_placeholder_share", -0.1, 0.0),
        ("retrieval", "province_margin", 1.1, 1.0),
        ("retrieval", "provincial_slot", 21, 20),
        ("embedding", "batch_tokens_bf16", 65_537, 65_536),
        ("auth", "session_hours", 2161, 2160),
        ("auth", "max_sessions", 0, 1),
    ],
)
def test_a_setting_past_its_limit_is_refused(section: str, field: str, over: float, edge: float) -> None:
    with pytest.raises(ValidationError):
        Settings(**{section: {field: over}})  # type: ignore[arg-type]
    assert getattr(getattr(Settings(**{section: {field: edge}}), section), field) == edge  # type: ignore[arg-type]


def test_an_env_override_past_the_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QA__INGESTION__EMBED_BATCH", "100000")
    with pytest.raises(ValidationError):
        Settings()


def test_every_numeric_setting_has_bounds() -> None:
    """A number nobody bounded is a number an env override can set to anything: every int and float of every
    section has both a lower and an upper limit."""
    from pydantic import BaseModel

    unbounded = []
    for name, section in Settings.model_fields.items():
        model = section.annotation
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            continue
        for field_name, field in model.model_fields.items():
            if field.annotation not in (int, float, "int", "float"):
                continue
            kinds = {type(m).__name__ for m in field.metadata}
            if not ({"Ge", "Gt"} & kinds and {"Le", "Lt"} & kinds):
                unbounded.append(f"{name}.{field_name}")
    assert not unbounded


def test_a_ranking_weight_for_a_feature_the_table_does_not_have_is_refused() -> None:
    with pytest.raises(ValidationError, match="no feature"):
        Settings(retrieval={"weights": {"province_boost": 0.6}})  # type: ignore[arg-type]
    assert Settings(retrieval={"weights": {"topic": 0.0}}).retrieval.weights == {"topic": 0.0}  # type: ignore[arg-type]


def test_trusted_proxies_must_be_addresses_or_networks() -> None:
    """`QA__API__FORWARDED_ALLOW_IPS` names whose X-Forwarded-For is believed: a typo must fail at start, not trust
    nobody (or everybody) silently."""
    with pytest.raises(ValidationError):
        Settings(api={"forwarded_allow_ips": ["proxy.local"]})  # type: ignore[arg-type]
    trusted = ["10.0.0.0/8", "127.0.0.1", "::1", "*"]
    assert Settings(api={"forwarded_allow_ips": trusted}).api.forwarded_allow_ips == trusted  # type: ignore[arg-type]
    assert Settings().api.forwarded_allow_ips == []
