"""Fixtures for the classifier tests: a tiny model trained here (never the shipped one, so the
tests do not depend on its numbers) and a stub classifier for the stage contract."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest

from classify.base import Doc, Prediction

# 15 short texts per label, written for these tests only (not in the seed set).
TINY: dict[str, list[str]] = {
    "positive": [
        "Tôi rất ủng hộ chính sách bảo vệ dữ liệu này.",
        "Chủ trương đúng đắn, người dân được bảo vệ tốt hơn.",
        "Cảm ơn lực lượng công an đã chống lừa đảo hiệu quả.",
        "Quá tuyệt, từ nay bớt hẳn tin nhắn rác.",
        "Hoan nghênh việc định danh, mạng xã hội văn minh hơn.",
        "Chính sách hay, thiết thực, rất cần thiết.",
        "Mình ủng hộ hết mình, an toàn hơn nhiều.",
        "Kết quả triển khai rất tích cực, người dân phấn khởi.",
        "Bảo vệ trẻ em trên mạng là việc làm đáng khen.",
        "Hiệu quả rõ rệt, số vụ lừa đảo giảm mạnh.",
        "Đúng hướng, tôi tin tưởng vào chủ trương này.",
        "Thật đáng mừng khi dữ liệu cá nhân được bảo vệ.",
        "Sáng kiến tốt, cần nhân rộng ra cả nước.",
        "Mọi người đều khen cách làm bài bản và tận tình.",
        "Tuyệt vời, hệ thống hoạt động ổn định và an toàn.",
    ],
    "neutral": [
        "Hội nghị triển khai diễn ra sáng thứ hai tại hội trường tỉnh.",
        "Văn bản được ban hành ngày 31 tháng 12.",
        "Cho mình hỏi xác thực tài khoản ở đâu?",
        "Lịch tập huấn sẽ được thông báo sau.",
        "Theo kế hoạch, các sở báo cáo trước ngày 30.",
        "Có ai biết thời hạn chót là khi nào không?",
        "Đại biểu các tỉnh tham dự buổi làm việc.",
        "Thông báo tạm ngừng hệ thống để bảo trì vào tối nay.",
        "Bài viết tổng hợp các câu hỏi thường gặp.",
        "Phóng viên đã liên hệ cơ quan chức năng để hỏi thêm.",
        "Tài liệu gồm năm phần và ba phụ lục.",
        "Số liệu sẽ được công bố vào cuối quý.",
        "Mọi người cho hỏi nộp hồ sơ ở phường hay ở quận?",
        "Chương trình phát sóng lúc tám giờ tối thứ sáu.",
        "Cuộc họp do phó chủ tịch huyện chủ trì.",
    ],
    "negative": [
        "Thủ tục rườm rà quá, mất cả buổi sáng.",
        "Ứng dụng lỗi liên tục, bực mình thật sự.",
        "Tôi lo ngại dữ liệu cá nhân bị lộ lọt.",
        "Triển khai hình thức, chỉ hô khẩu hiệu.",
        "Chi phí quá cao, doanh nghiệp nhỏ không kham nổi.",
        "Người già bị khóa sim mà không ai hướng dẫn.",
        "Thất vọng vì hứa nhiều mà làm chẳng được bao nhiêu.",
        "Quy định mơ hồ, mỗi nơi hiểu một kiểu.",
        "Lộ thông tin khách hàng mà không ai chịu trách nhiệm.",
        "Chán thật, gọi đường dây nóng cả chục lần không ai nghe.",
        "Xác thực khuôn mặt mãi không được, quá phiền phức.",
        "Lừa đảo vẫn tràn lan, chẳng thấy chuyển biến gì.",
        "Cán bộ thiếu, máy móc cũ, nói bảo mật gì nổi.",
        "Hạn chót dí sát, dân không kịp trở tay.",
        "Tuyên truyền văn mẫu, đọc ba dòng là ngán.",
    ],
}


def tiny_rows() -> list[dict[str, str]]:
    return [{"text": text, "label": label, "register": "test"}
            for label, texts in TINY.items() for text in texts]


@pytest.fixture
def tiny_data() -> list[dict[str, str]]:
    return tiny_rows()


@pytest.fixture(scope="session")
def tiny_jsonl(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("data") / "tiny.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in tiny_rows()),
                    encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from classify.models.features import FeatureSettings
    from classify.narratives import BACKGROUND_FILE, Background
    from classify.preprocess import preprocess
    from classify.training import Candidate, fit

    rows = tiny_rows()
    candidate = Candidate("tiny", FeatureSettings(word_ngrams=(1, 2), char_ngrams=(2, 4),
                                                  min_df=1), c=5.0)
    model = fit([preprocess(r["text"]) for r in rows], [r["label"] for r in rows], candidate,
                name="tiny-linear", version="0.0.1")
    model.chunk_max_words = 12  # small, so tests exercise chunking with short texts
    directory = tmp_path_factory.mktemp("model") / "tiny"
    model.save(directory)
    Background.from_texts(r["text"] for r in rows).save(directory / BACKGROUND_FILE)
    return directory


class StubClassifier:
    """Labels by keyword, raises on "BOOM", records the size of every batch it is given."""

    name_version = "stub@1"

    def __init__(self) -> None:
        self.batches: list[int] = []

    def predict(self, docs: Sequence[Doc]) -> list[Prediction]:
        self.batches.append(len(docs))
        if any("BOOM" in doc.text for doc in docs):
            raise RuntimeError("stub failure")
        out = []
        for doc in docs:
            label = "positive" if "tốt" in doc.text else "negative" if "tệ" in doc.text else (
                "neutral")
            likely = "cấm" in doc.text
            out.append(Prediction(
                sentiment=label, sentiment_score=0.9, misinformation="likely" if likely
                else "unlikely", misinformation_score=0.7 if likely else 0.1,
                narrative_id="cam-mang-xa-hoi" if likely else None,
                reason=f"stub {label}", model=self.name_version,
                misinformation_reason="stub match" if likely else "",
            ))
        return out


@pytest.fixture
def stub() -> StubClassifier:
    return StubClassifier()
