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
    # review queue page
    "nav.review": "Hàng chờ duyệt",
    "review.title": "Hàng chờ duyệt – phuxanh",
    "review.heading": "Hàng chờ duyệt",
    "review.subtitle": "Tin bị gắn cờ (nghi tin sai lệch, tiêu cực) chờ cán bộ xem xét.",
    "review.forbidden": (
        "Bạn không có quyền truy cập hàng chờ duyệt. Trang này dành cho người duyệt và "
        "quản trị viên."
    ),
    "review.order.newest": "Mới nhất trước",
    "review.source_type": "Loại nguồn",
    "review.source_type.all": "Mọi loại nguồn",
    "review.source_type.news": "Báo điện tử",
    "review.source_type.forum": "Diễn đàn",
    "review.source_type.social": "Mạng xã hội",
    "review.source_type.video": "Video",
    "review.source_type.import": "Nhập từ tệp",
    "review.official": "Kênh",
    "review.official.all": "Mọi kênh",
    "review.official.yes": "Kênh chính thống",
    "review.official.no": "Không chính thống",
    "review.misinfo_only": "Chỉ tin nghi sai lệch",
    "review.count": "{count} tin đang chờ (hiển thị tối đa {limit})",
    "review.empty": (
        "Không còn tin nào chờ duyệt với bộ lọc này. Tin mới bị gắn cờ sẽ xuất hiện ở đây "
        "sau khi chạy `phuxanh classify`."
    ),
    "review.pick": "Chọn một tin trong danh sách để duyệt.",
    "review.gone": "Tin này không còn trong kho dữ liệu.",
    "review.entry": "{title} — {outlet}",
    "review.untitled": "(không có tiêu đề)",
    "review.flag.misinfo": "Nghi sai lệch",
    "review.flag.negative": "Tiêu cực",
    "review.published": "Đăng lúc {time} · nguồn ngày: {source}",
    "review.date_source.page_metadata": "siêu dữ liệu trang",
    "review.date_source.page_text": "ngày ghi trong bài",
    "review.date_source.feed": "nguồn cấp tin (RSS)",
    "review.date_source.platform": "nền tảng",
    "review.date_source.url": "đường dẫn",
    "review.date_source.import": "tệp nhập",
    "review.date_source.crawl_time": "thời điểm thu thập (không rõ ngày đăng)",
    "review.outlet": "Nguồn: {outlet}",
    "review.official_badge": "Kênh chính thống",
    "review.open_original": "Mở bài gốc",
    "review.model": "Đánh giá của mô hình",
    "review.sentiment": "Cảm xúc: {label} (độ tin cậy {score})",
    "review.sentiment.none": "Cảm xúc: chưa phân loại",
    "review.reason": "Lý do: {reason}",
    "review.misinfo": "Tin sai lệch: {label} (điểm {score})",
    "review.misinfo.likely": "có khả năng",
    "review.misinfo.unlikely": "không có khả năng",
    "review.narrative": "Luận điệu đã biết",
    "review.claim": "Nội dung sai: {claim}",
    "review.rebuttal": "Thông tin chính thức: {rebuttal}",
    "review.rebuttal_link": "Bài phản bác chính thức",
    "review.rebuttal_missing": "Chưa có đường dẫn bài phản bác chính thức.",
    "review.narrative_unknown": "Luận điệu {id} không có trong danh sách luận điệu.",
    "review.matched_terms": "Từ khoá khớp: {terms}",
    "review.cluster": "Thuộc cụm tin trùng lặp {cluster}",
    "review.status": "Trạng thái: {status}",
    "review.status_by": "Trạng thái: {status} — {reviewer}, {time}",
    "review.status.unreviewed": "chưa duyệt",
    "review.status.confirmed": "đã xác nhận",
    "review.status.corrected": "đã sửa nhãn",
    "review.status.dismissed": "đã bỏ qua",
    "review.status.handled": "đã xử lý",
    "review.actions": "Quyết định",
    "review.confirm": "Xác nhận",
    "review.correct": "Sửa nhãn",
    "review.correct_to": "Nhãn đúng",
    "review.dismiss": "Bỏ qua",
    "review.handled": "Đã xử lý",
    "review.shortcuts": "Phím tắt: c xác nhận · d bỏ qua · n / j tin tiếp theo · k tin trước",
    "review.done.confirmed": "Đã xác nhận tin. Chuyển sang tin tiếp theo.",
    "review.done.corrected": "Đã sửa nhãn thành {label}. Chuyển sang tin tiếp theo.",
    "review.done.dismissed": "Đã bỏ qua tin. Chuyển sang tin tiếp theo.",
    "review.done.handled": "Đã ghi nhận xử lý kèm bài phản hồi. Chuyển sang tin tiếp theo.",
    "review.conflict": (
        "Cán bộ khác đã duyệt tin này trước bạn. Tin đã được tải lại; vui lòng xem và "
        "quyết định lại."
    ),
    "review.need_url": (
        "Cần nhập đường dẫn bài phản hồi chính thức (bắt đầu bằng http:// hoặc https://)."
    ),
    "review.need_sentiment": "Chọn nhãn cảm xúc đúng trước khi bấm Sửa nhãn.",
    "review.no_item": "Chưa chọn tin nào.",
    "review.correct_placeholder": "Chọn nhãn cảm xúc…",
    "review.response_placeholder": "https://… (bắt buộc khi chọn Đã xử lý)",
    "review.response_url": "Đường dẫn bài phản hồi chính thức",
}
