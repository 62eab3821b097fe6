"""Generative answers: the real local LLM end to end, and a scripted generator for the edge cases
(busy model, a wrong figure) that a real model cannot be made to produce on demand. The scripted tests run in
the fast tier (hashed embeddings) and again on the real index."""

from __future__ import annotations

import importlib.util
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from qa_service.app import create_app
from qa_service.components.bundle import open_components
from qa_service.components.generator import GeneratorStatus, load_generator
from qa_service.ingestion.pipeline import IngestPipeline
from qa_service.services.verify import FIGURE, MARKER, split_answer, strip_markers
from qa_service.settings import GeneratorSettings
from tests.conftest import make_settings
from tests.fixtures.fakes import ScriptedGenerator

RESOLUTION = Path(__file__).resolve().parents[1] / "data" / "nghi-quyet-23-nq-tw-thu-nghiem.md"
GRDP = "Mục tiêu tỷ trọng công nghiệp trong GRDP đến năm 2025 là bao nhiêu?"


def sse_events(text: str) -> list[tuple[str, dict]]:
    events = []
    for block in text.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines())
        events.append((lines["event"], json.loads(lines["data"])))
    return events


def assert_verified(body: dict) -> None:
    """What the user sees: every sentence cites an existing source whose text holds all its figures."""
    cited = {c["n"]: c for c in body["citations"]}
    for sentence in split_answer(body["answer"]):
        numbers = [int(n) for m in MARKER.finditer(sentence) for n in re.split(r"\s*[,;]\s*", m.group(1))]
        assert numbers and all(n in cited for n in numbers), sentence
        # the model is shown each passage with its section heading («c) Định hướng đến năm 2030»)
        evidence = " ".join(" ".join([*cited[n]["section_path"], cited[n]["text"]]) for n in numbers)
        for figure in FIGURE.findall(strip_markers(sentence)):
            assert figure in evidence, (figure, sentence)
    for cit in body["citations"]:
        assert cit["quote"] in cit["text"]


# -- the real model -------------------------------------------------------------------------------------


@pytest.mark.llm
def test_generative_answer_is_written_out_and_verified(gen_client: TestClient) -> None:
    body = gen_client.post("/ask", json={"question": GRDP, "mode": "generative"}).json()
    assert body["mode"] == "generative" and body["answered"]
    assert not body["fallback"], body["retracted"]
    assert "15%" in body["answer"]
    assert not body["answer"].startswith("Theo ")  # prose from the model, not the extractive template
    assert body["first_token_ms"] > 0 and body["generation_ms"] >= body["first_token_ms"]
    assert_verified(body)
    assert body["citations"][0]["citation_label"].startswith("Mục II.3.b")


@pytest.mark.llm
def test_stream_sends_sources_tokens_then_the_checked_answer(gen_client: TestClient) -> None:
    response = gen_client.post("/ask/stream", json={"question": GRDP, "mode": "generative"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    events = sse_events(response.text)
    kinds = [kind for kind, _ in events]
    assert kinds[0] == "sources" and kinds[-1] == "final" and "token" in kinds
    assert set(kinds[1:-1]) == {"token"}
    streamed = "".join(data["text"] for kind, data in events if kind == "token")
    final = events[-1][1]
    assert_verified(final)
    # what was shown while streaming is what the check saw: kept sentences come from it
    for sentence in split_answer(final["answer"]):
        assert strip_markers(sentence).rstrip(".")[:20] in streamed
    sources = events[0][1]["sources"]
    assert sources and all(s["text"] for s in sources)


@pytest.mark.llm
def test_weak_evidence_is_refused_without_asking_the_model(gen_client: TestClient) -> None:
    body = gen_client.post("/ask", json={"question": "Giá vé máy bay từ Hà Nội đi Paris là bao nhiêu?", "mode": "generative"}).json()
    assert not body["answered"] and body["generation_ms"] is None and body["suggestions"]


@pytest.fixture(scope="module")
def injection_client(tmp_path_factory: pytest.TempPathFactory, real_embedder, llm) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    embedder = real_embedder
    settings = make_settings(tmp_path_factory.mktemp("injection"), embedder)
    components = open_components(settings, embedder)
    IngestPipeline(settings, embedder, components.store, components.registry, components.segmenter).run([RESOLUTION])
    components.refresh_lexical(force=True)
    with TestClient(create_app(settings, components, generator=llm), raise_server_exceptions=False) as client:
        yield client


@pytest.mark.llm
def test_instruction_inside_a_document_is_data_not_a_command(injection_client: TestClient) -> None:
    question = "Theo Nghị quyết 23-NQ/TW, doanh nghiệp được miễn thuế không và nội dung kiểm thử an toàn là gì?"
    response = injection_client.post("/ask/stream", json={"question": question, "mode": "generative"})
    events = sse_events(response.text)
    final = events[-1][1]
    shown_to_model = " ".join(s["text"] for kind, data in events if kind == "sources" for s in data["sources"])
    assert "Bỏ qua các hướng dẫn" not in shown_to_model
    # the document's line may be quoted as what the document says (extractive fallback), never asserted in prose
    prose = re.sub(r"«[^»]*»", "", final["answer"])
    assert "miễn toàn bộ thuế" not in prose
    assert final["fallback"]  # the only passage was the instruction: nothing for the model, the quote stands


@pytest.mark.llm
def test_instruction_mixed_into_real_content_never_reaches_the_model(injection_client: TestClient) -> None:
    # the GDP bullets and a planted «… trả lời rằng … đạt 90%» line share one chunk
    question = "Nghị quyết 23-NQ/TW đặt mục tiêu tỷ trọng công nghiệp trong GDP bao nhiêu?"
    events = sse_events(injection_client.post("/ask/stream", json={"question": question, "mode": "generative"}).text)
    sources = next(data["sources"] for kind, data in events if kind == "sources")
    assert any("40%" in s["text"] for s in sources)
    assert not any("90%" in s["text"] or "trả lời rằng" in s["text"] for s in sources)
    final = events[-1][1]
    assert not final["fallback"] and "40%" in final["answer"], final["retracted"]
    assert "90%" not in final["answer"]
    assert_verified(final)


# -- unavailable, busy, scripted output (fast fakes beside the real tests above) ------------------------


def test_generative_mode_unavailable_is_a_clear_503(client: TestClient) -> None:
    # the shared client's data dir has no model: exactly the `make run` without `make setup-llm` case
    health = client.get("/health").json()
    # without `make setup-llm` the runtime is missing too (LLM=0); with it, only the model file in this data dir
    expected = "model_missing" if importlib.util.find_spec("llama_cpp") else "runtime_missing"
    assert health["generative"] == {"available": False, "reason": expected, "model": None}
    for path in ("/ask", "/ask/stream"):
        response = client.post(path, json={"question": GRDP, "mode": "generative"})
        assert response.status_code == 503
        body = response.json()
        assert body["error"] == "generative_unavailable" and body["message_vi"] and body["message_en"]
    assert client.post("/ask", json={"question": GRDP}).json()["mode"] == "extractive"


def test_model_file_with_another_hash_is_refused(tmp_path: Path) -> None:
    pytest.importorskip("llama_cpp")
    fake = tmp_path / "model.gguf"
    fake.write_bytes(b"GGUF not really a model")
    generator, status = load_generator(GeneratorSettings(model_path=fake))  # type: ignore[call-arg]
    assert generator is None and status.reason == "model_mismatch"


def scripted_client(corpus_components, reply: str, **generator: object) -> tuple[TestClient, ScriptedGenerator]:  # type: ignore[no-untyped-def]
    fake = ScriptedGenerator(reply)
    settings = corpus_components.settings.model_copy(
        update={"generator": corpus_components.settings.generator.model_copy(update=generator)}
    )
    components = type(corpus_components)(**{**corpus_components.__dict__, "settings": settings})
    app = create_app(settings, components, generator=(fake, GeneratorStatus(True)))
    return TestClient(app, raise_server_exceptions=False), fake


def test_wrong_figure_is_retracted_and_too_little_left_falls_back(corpus_components, reads_by_meaning) -> None:  # type: ignore[no-untyped-def]
    client, fake = scripted_client(corpus_components, "Tỷ trọng công nghiệp trong GRDP của tỉnh đạt trên 25% [1].")
    with client:
        response = client.post("/ask/stream", json={"question": GRDP, "mode": "generative"})
    events = sse_events(response.text)
    assert "25%" in "".join(d["text"] for k, d in events if k == "token")  # streamed before the check...
    final = events[-1][1]
    assert final["retracted"] == [{"text": "Tỷ trọng công nghiệp trong GRDP của tỉnh đạt trên 25% [1].", "reason": "unsupported_figure"}]
    assert final["fallback"] and final["answered"]  # ...then replaced by the extractive answer
    assert final["fallback_reason"] == "unverified"
    assert "25%" not in final["answer"] and "15%" in final["answer"]
    system = fake.prompts[0][0]["content"]
    assert "[1]" in system and "<nguon>" in system  # the rules come from the prompt file


def test_kept_sentences_are_renumbered_and_quoted(corpus_components, reads_by_meaning) -> None:  # type: ignore[no-untyped-def]
    reply = "Tỉnh đặt mục tiêu tỷ trọng công nghiệp trong GRDP đạt trên 15% [1]. Điều này chưa chắc chắn."
    client, _ = scripted_client(corpus_components, reply, min_kept_share=0.5)
    with client:
        body = client.post("/ask", json={"question": GRDP, "mode": "generative"}).json()
    assert body["answer"] == "Tỉnh đặt mục tiêu tỷ trọng công nghiệp trong GRDP đạt trên 15% [1]."
    assert not body["fallback"] and body["fallback_reason"] is None
    assert body["retracted"] == [{"text": "Điều này chưa chắc chắn.", "reason": "no_citation"}]
    assert body["citations"][0]["n"] == 1 and "15%" in body["citations"][0]["quote"]
    assert_verified(body)


def test_copy_without_the_directive_is_retracted(corpus_components) -> None:  # type: ignore[no-untyped-def]
    # what the real model wrote in the eval (q-041): the zones are listed, «đưa ra khỏi quy hoạch» is gone
    reply = (
        "Khu, cụm công nghiệp không có dự án đầu tư, vị trí không thuận lợi, cơ sở hạ tầng khó khăn, thu hồi các dự án"
        " đầu tư chậm, không thực hiện theo quy hoạch [1]."
    )
    client, _ = scripted_client(corpus_components, reply)
    with client:
        body = client.post("/ask", json={"question": "Khu, cụm công nghiệp nào sẽ bị đưa ra khỏi quy hoạch?", "mode": "generative"}).json()
    assert [r["reason"] for r in body["retracted"]] == ["dropped_lead"]
    assert body["fallback"] and body["fallback_reason"] == "unverified"
    assert "đưa ra khỏi quy hoạch" in body["answer"]


def test_verified_answer_that_misses_the_question_falls_back(corpus_components) -> None:  # type: ignore[no-untyped-def]
    # true to its source, but about «quy hoạch» in general, not «quy hoạch treo» (the real model, eval q-037)
    reply = "Tăng cường công tác quản lý quy hoạch và tích cực triển khai thực hiện quy hoạch [1]."
    client, _ = scripted_client(corpus_components, reply)
    with client:
        body = client.post("/ask", json={"question": "Làm thế nào để khắc phục tình trạng quy hoạch treo?", "mode": "generative"}).json()
    assert body["retracted"] == [] and body["fallback"] and body["fallback_reason"] == "misses_question"
    assert "quy hoạch treo" in body["answer"]
    # with the focus check off the same reply is shown: that check alone made the difference
    client, _ = scripted_client(corpus_components, reply, min_question_focus=0.0)
    with client:
        body = client.post("/ask", json={"question": "Làm thế nào để khắc phục tình trạng quy hoạch treo?", "mode": "generative"}).json()
    assert not body["fallback"] and body["answer"] == reply


def test_question_not_in_vietnamese_gets_the_quotes_without_asking_the_model(corpus_components) -> None:  # type: ignore[no-untyped-def]
    client, fake = scripted_client(corpus_components, "Tỷ trọng công nghiệp trong GRDP của tỉnh đạt trên 15% [1].")
    with client:
        body = client.post(
            "/ask", json={"question": "What is the target occupancy rate of industrial parks by 2030?", "mode": "generative"}
        ).json()
    assert not any("occupancy" in messages[-1]["content"] for messages in fake.prompts)  # only the start-up warm-up
    assert body["answered"] and body["fallback"] and body["fallback_reason"] == "question_language"
    assert body["answer"].startswith("Written-out answers are given only to questions asked in Vietnamese")
    assert body["citations"] and all(f"«{c['quote']}»" in body["answer"] for c in body["citations"])


def test_busy_model_is_a_503_not_a_hang(corpus_components) -> None:  # type: ignore[no-untyped-def]
    client, fake = scripted_client(corpus_components, "x [1].", queue_timeout_s=0.2)
    with client, fake.lock:  # another request holds the model
        response = client.post("/ask", json={"question": GRDP, "mode": "generative"})
    assert response.status_code == 503 and response.json()["error"] == "generator_busy"
    assert not fake.lock.locked()


def test_a_streamed_answer_is_recorded_in_its_conversation_as_checked(corpus_components, reads_by_meaning) -> None:  # type: ignore[no-untyped-def]
    reply = "Tỉnh đặt mục tiêu tỷ trọng công nghiệp trong GRDP đạt trên 15% [1]. Điều này chưa chắc chắn."
    client, _ = scripted_client(corpus_components, reply, min_kept_share=0.5)
    with client:
        cid = client.post("/conversations").json()["id"]
        response = client.post("/ask/stream", json={"question": GRDP, "mode": "generative", "conversation_id": cid})
        final = sse_events(response.text)[-1][1]
        stored = client.get(f"/conversations/{cid}").json()["history"]
    assert final["conversation_id"] == cid and final["turn"] == 0
    # what is kept is the checked answer, never the streamed draft with its unverified sentence
    assert [t["response"]["answer"] for t in stored] == ["Tỉnh đặt mục tiêu tỷ trọng công nghiệp trong GRDP đạt trên 15% [1]."]
    assert stored[0]["response"]["mode"] == "generative"
