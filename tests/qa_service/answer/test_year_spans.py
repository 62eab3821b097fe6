"""A span of years asked about («2016-2020») is answered by a sentence or heading of that very span, however chatty
the rest of the question: «Giai đoạn 2016-2020: tốc độ tăng bình quân …» is of it."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from qa_service.services.asked import year_spans

QUESTION = "thời 2016-2020 công nghiệp mình đạt được gì rồi?"


def test_spans_are_read_as_written() -> None:
    assert year_spans("giai đoạn 2016 – 2020 và 2021-2025") == {"2016-2020", "2021-2025"}
    assert year_spans("năm 2020, đến năm 2025") == set()


@pytest.mark.slow
def test_a_sentence_of_the_span_answers(real_client: TestClient) -> None:
    body = real_client.post("/ask", json={"question": QUESTION}).json()
    assert body["answered"] and "7,62%" in body["answer"]


@pytest.mark.slow
def test_ablation_without_spans_the_chatty_question_is_refused(real_client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    from qa_service.services.answer import compose

    monkeypatch.setattr(compose, "year_spans", lambda text: set())
    body = real_client.post("/ask", json={"question": QUESTION}).json()
    assert not (body["answered"] and "7,62%" in body["answer"])
