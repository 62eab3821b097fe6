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
        ("retrieval", "document_weight", 10.5, 10.0),
        ("retrieval", "dense_weight", 10.5, 10.0),
        ("retrieval", "lexical_weight", -0.1, 0.0),
        ("retrieval", "document_top", 1001, 1000),
        ("retrieval", "replaced_weight", 1.5, 1.0),
        ("retrieval", "older_version_weight", 1.5, 1.0),
        ("retrieval", "older_version_weight", -0.1, 0.0),
        ("retrieval", "province_boost", 5.5, 5.0),
        ("retrieval", "province_boost", -0.1, 0.0),
        ("retrieval", "copy_similarity", 0.4, 0.5),
        ("retrieval", "copy_similarity", 1.01, 1.0),
        ("retrieval", "topic_boost", 5.5, 5.0),
        ("retrieval", "topic_boost", -0.1, 0.0),
        ("retrieval", "meta_block_weight", 1.1, 1.0),
        ("retrieval", "provincial_prior", 5.5, 5.0),
        ("retrieval", "provincial_prior", -0.1, 0.0),
        ("retrieval", "provincial_prior_margin", 1.1, 1.0),
        ("retrieval", "provincial_prior_lexical", 1.1, 1.0),
        ("retrieval", "provincial_slot", 21, 20),
        ("retrieval", "provincial_slot", -1, 0),
        ("retrieval", "provincial_slot_margin", 1.1, 1.0),
        ("retrieval", "provincial_first_margin", 1.1, 1.0),
        ("retrieval", "provincial_first_lexical", -0.1, 0.0),
        ("retrieval", "provincial_vectors_max", 200_001, 200_000),
        ("retrieval", "form_weight", 1.1, 1.0),
        ("retrieval", "form_placeholder_share", -0.1, 0.0),
        ("embedding", "batch_tokens_bf16", 65_537, 65_536),
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
