"""The extractive answer: routing (route.py), sentence scoring (sentences.py, strength.py), composing (compose.py)
and rendering (render.py)."""

from qa_service.services.answer.route import ExtractiveAnswerer

__all__ = ["ExtractiveAnswerer"]
