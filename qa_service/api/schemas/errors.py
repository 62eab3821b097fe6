"""The one error body every route answers with, and the OpenAPI entries that document it."""

from __future__ import annotations

from pydantic import BaseModel, Field


class ErrorBody(BaseModel):
    """Every error response: a stable code, the message in Vietnamese and English, and the request id."""

    error: str = Field(..., description="stable code, e.g. validation_error, unknown_document, generator_busy")
    message_vi: str
    message_en: str
    request_id: str
    details: list[dict[str, object]] | None = None


_ERROR_MEANING = {
    401: "admin token missing; accounts mode: no valid session token, or a wrong login / thiếu mã quản trị hoặc chưa đăng nhập",
    403: "wrong admin token, admin functions disabled, or an account without the admin role / sai mã, chưa bật quản trị hoặc tài khoản không có quyền quản trị",
    404: "unknown document, job, conversation or section, or no previous version / không tìm thấy",
    409: "the name belongs to another document (send replace=true), a corpus document (force), or a full conversation / trùng tên văn bản hoặc cuộc trò chuyện đã đầy",
    413: "request body or file too large / nội dung hoặc tệp quá lớn",
    415: "unsupported file type / định dạng không hỗ trợ",
    422: "invalid request / dữ liệu không hợp lệ",
    429: "too many wrong admin tokens or logins from this client (answered late), or too many uploads at once: wait Retry-After seconds / thử sai quá nhiều lần hoặc đang nhận nhiều tệp",
    431: "request headers too large or too many / phần đầu yêu cầu quá lớn hoặc quá nhiều dòng",
    500: "unexpected error, with a request id / lỗi ngoài dự kiến",
    503: "starting, or the language model is unavailable or busy / đang khởi động hoặc mô hình bận",
    507: "the server is out of disk space; nothing was stored / máy chủ hết chỗ lưu trữ",
}


def error_responses(*statuses: int) -> dict[int | str, dict[str, object]]:
    """OpenAPI entries for the error statuses a route can answer with (all share ErrorBody)."""
    return {status: {"model": ErrorBody, "description": _ERROR_MEANING[status]} for status in statuses}
