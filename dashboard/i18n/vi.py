"""Vietnamese strings (the reference catalogue: every key exists here)."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # shell
    "app.title": "phuxanh – Giám sát dư luận",
    "app.brand": "phuxanh",
    "app.tagline": "Giám sát dư luận trực tuyến",
    "app.footer": (
        "Nhãn cảm xúc do mô hình gợi ý; nhãn đã được cán bộ duyệt được ưu tiên. "
        "Chỉ thu thập nội dung công khai."
    ),
    "nav.overview": "Tổng quan",
    "error.title": "Không tải được dữ liệu",
    "error.known": "{message}",
    "error.unexpected": (
        "Đã xảy ra lỗi không mong muốn ({kind}). Vui lòng tải lại trang; "
        "nếu lỗi vẫn còn, xem nhật ký máy chủ."
    ),
    "error.dismiss": "Đóng",
    # login and session
    "login.title": "Đăng nhập – phuxanh",
    "login.heading": "Đăng nhập",
    "login.username": "Tên đăng nhập",
    "login.password": "Mật khẩu",
    "login.submit": "Đăng nhập",
    "login.failed": (
        "Tên đăng nhập hoặc mật khẩu không đúng. Sau {max} lần sai liên tiếp, tài khoản bị "
        "tạm khoá {minutes} phút."
    ),
    "login.disabled": "Tài khoản đã bị vô hiệu hoá. Vui lòng liên hệ quản trị viên.",
    "login.csrf": "Biểu mẫu đã hết hạn hoặc không hợp lệ. Vui lòng tải lại trang và thử lại.",
    "login.expired": "Phiên làm việc đã hết hạn. Vui lòng đăng nhập lại.",
    "login.logged_out": "Bạn đã đăng xuất.",
    "login.audit_failed": (
        "Không ghi được nhật ký hệ thống nên chưa thể đăng nhập. "
        "Báo quản trị viên."
    ),
    "auth.user": "{username} · {role}",
    "auth.logout": "Đăng xuất",
    "auth.forbidden": "Vai trò của bạn ({role}) không được xem nội dung này.",
    "role.viewer": "Người xem",
    "role.reviewer": "Người duyệt",
    "role.press": "Cơ quan báo chí",
    "role.admin": "Quản trị",
    # overview page
    "overview.title": "Tổng quan",
    "overview.heading": "Tổng quan dư luận",
    "overview.topic": "Chủ đề",
    "overview.all_topics": "Tất cả chủ đề",
    "overview.period": "{weeks} tuần gần nhất: {start} – {end}",
    "overview.updated": "Cập nhật lúc {time}",
    "overview.empty.body": "Chưa có dữ liệu. Chạy `phuxanh crawl` hoặc `make demo`.",
    "overview.empty.hint": (
        "Biểu đồ sẽ hiện ở đây khi kho dữ liệu có bài viết về chủ đề đang theo dõi."
    ),
    "overview.no_items_in_period": (
        "Không có bài viết nào về chủ đề này trong {weeks} tuần gần nhất."
    ),
    "overview.kpi.total": "Tổng số bài",
    "overview.kpi.total_note": "trong {weeks} tuần",
    "overview.kpi.total_note_unclassified": "trong {weeks} tuần · {count} chưa phân loại",
    "overview.kpi.positive": "Tỉ lệ tích cực",
    "overview.kpi.negative": "Tỉ lệ tiêu cực",
    "overview.kpi.share_note": "{count} bài trên tổng số",
    "overview.kpi.coverage": "Chỉ số phủ xanh tuần này",
    "overview.kpi.coverage_note": "{positive} tích cực chính thống / {negative} tiêu cực",
    "overview.volume.title": "Số bài theo tuần, phân theo cảm xúc",
    "overview.coverage.title": "Phủ xanh: tin tích cực chính thống so với tin tiêu cực",
    "overview.coverage.latest": (
        "{week}: {positive} tin tích cực từ kênh chính thống, {negative} tin tiêu cực"
        " — tỉ lệ {ratio}, chỉ số phủ xanh {index}."
    ),
    "overview.coverage.latest_no_negative": (
        "{week}: {positive} tin tích cực từ kênh chính thống, không có tin tiêu cực"
        " — chỉ số phủ xanh {index}."
    ),
    "overview.coverage.latest_nothing": "{week}: chưa có tin tích cực chính thống hay tiêu cực.",
    "overview.coverage.explain": (
        "Chỉ số phủ xanh = tin tích cực chính thống ÷ (tin tích cực chính thống + tin tiêu cực)."
    ),
    "overview.ratio": "{value} : 1",
    # figures
    "week.label": "Tuần {week} ({date})",
    "sentiment.positive": "Tích cực",
    "sentiment.neutral": "Trung lập",
    "sentiment.negative": "Tiêu cực",
    "sentiment.unclassified": "Chưa phân loại",
    "figure.items": "Số bài",
    "figure.week": "Tuần",
    "coverage.official_positive": "Tích cực từ kênh chính thống",
    "coverage.negative": "Tiêu cực (mọi nguồn)",
}
