"""The intent classifier on a small bank with the hashed fake: what is read, the floor below which it is plain,
and one fit per model and bank in a process."""

from __future__ import annotations

import pytest

from qa_service.components.intents import IntentClassifier, IntentKind, bank_key, intent_bank
from qa_service.settings import IntentSettings
from tests.fixtures.fakes import HashEmbedder

BANK = {
    IntentKind.QUANTITY: ("kinh phí là bao nhiêu tiền", "tổng vốn đạt bao nhiêu tỷ", "tỷ lệ bao nhiêu phần trăm"),
    IntentKind.SIGNER: ("ai ký văn bản này", "người ký quyết định là ai", "văn bản do ai ký"),
    IntentKind.PLAIN: ("vì sao tăng trưởng chậm", "khái niệm này hiểu thế nào", "có được miễn thuế không"),
}


class CountingEmbedder(HashEmbedder):
    model_id = "hash-counting"

    def __init__(self) -> None:
        super().__init__()
        self.queries = 0

    def embed_query(self, text: str):  # type: ignore[no-untyped-def]
        self.queries += 1
        return super().embed_query(text)


def test_reads_the_label_of_the_nearest_wordings() -> None:
    reader = IntentClassifier(HashEmbedder(), IntentSettings(), BANK)
    reading = reader.read("ai là người ký văn bản")
    assert (reading.kind, reading.best) == (IntentKind.SIGNER, IntentKind.SIGNER)
    assert reading.nearest in BANK[IntentKind.SIGNER]


def test_below_the_floor_the_question_is_plain_and_the_best_label_is_kept() -> None:
    question = "ai ký văn bản này"
    sure = IntentClassifier(HashEmbedder(), IntentSettings(min_confidence=0.0), BANK).read(question)
    floored = IntentClassifier(HashEmbedder(), IntentSettings(min_confidence=sure.confidence + 1e-6), BANK).read(question)
    assert sure.kind is IntentKind.SIGNER
    assert (floored.kind, floored.best, floored.confidence) == (IntentKind.PLAIN, IntentKind.SIGNER, pytest.approx(sure.confidence))


def test_one_fit_per_model_and_bank_in_a_process() -> None:
    embedder = CountingEmbedder()
    bank = {k: (*v, "một câu riêng của phép thử này") if k is IntentKind.PLAIN else v for k, v in BANK.items()}
    first = IntentClassifier(embedder, IntentSettings(), bank)
    first.read("ai ký")
    fitted = embedder.queries
    IntentClassifier(embedder, IntentSettings(), bank).read("ai ký")
    assert fitted == sum(map(len, bank.values())) + 1
    assert embedder.queries == fitted + 1  # the second app's classifier reads the question only


def test_the_shipped_bank_covers_every_label_and_its_key_follows_its_text() -> None:
    bank = intent_bank()
    assert set(bank) == set(IntentKind)
    assert min(map(len, bank.values())) >= 15
    changed = {**bank, IntentKind.PLAIN: (*bank[IntentKind.PLAIN], "một câu mới")}
    assert bank_key(changed) != bank_key(bank)
