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
        "Đường xanh: tin tích cực từ kênh chính thống; đường đỏ: tin tiêu cực từ mọi nguồn. "
        "Chỉ số phủ xanh tính cả tin nghi sai lệch (xem biểu đồ chỉ số ở trên)."
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
    "review.shortcuts": ("Phím tắt: c xác nhận · d bỏ qua · n / j tin tiếp theo · k tin trước · "
                         "a áp dụng cho cả cụm · [ / ] trang trước / sau"),
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
    # submit a URL (dashboard/pages/submit.py)
    "nav.submit": "Gửi đường link",
    "submit.title": "Gửi đường link · Phủ xanh",
    "submit.heading": "Gửi đường link",
    "submit.subtitle": (
        "Dán đường link một trang công khai (bài báo, bài viết) liên quan đến chủ đề theo dõi; "
        "hệ thống tải trang, trích nội dung, gắn nhãn và lưu lại kèm tên người gửi."
    ),
    "submit.url": "Đường link",
    "submit.placeholder": "https://...",
    "submit.button": "Gửi",
    "submit.forbidden": "Chỉ cán bộ duyệt và quản trị viên được gửi đường link.",
    "submit.empty": "Hãy dán một đường link bắt đầu bằng http:// hoặc https://.",
    "submit.stored": "Đã lưu tin mới.",
    "submit.updated": "Tin này đã có trong hệ thống; đã cập nhật nội dung mới nhất.",
    "submit.open": "Mở tin",
    "submit.topics": "Khớp chủ đề: {topics}",
    "submit.off_topic": (
        "Không khớp chủ đề theo dõi nào. Tin vẫn được lưu (do cán bộ chủ động gửi) nhưng "
        "không được tính vào biểu đồ theo chủ đề."
    ),
    "submit.unknown_source": (
        "Trang thuộc tên miền chưa có trong danh sách nguồn; đã xếp vào nguồn \"{source}\"."
    ),
    "submit.not_classified": (
        "Chưa gắn được nhãn cảm xúc ({detail}); tin sẽ được gắn nhãn ở lần phân loại sau."
    ),
    "submit.error.bad_url": "Đường link không hợp lệ: {detail}",
    "submit.error.private_host": "Không tải trang trong mạng nội bộ: {detail}",
    "submit.error.robots": "Trang không cho phép thu thập tự động (robots.txt): {detail}",
    "submit.error.http_status": "Trang trả về lỗi HTTP {status}: {detail}",
    "submit.error.not_html": "Không phải trang web (HTML): {detail}",
    "submit.error.too_large": "Trang quá lớn: {detail}",
    "submit.error.network": "Không kết nối được đến trang: {detail}",
    "submit.error.redirects": "Trang chuyển hướng quá nhiều lần: {detail}",
    "submit.error.no_text": "Không tìm thấy nội dung bài viết trong trang: {detail}",
    "nav.search": "Tìm kiếm",
    "search.title": "Tìm kiếm · Phủ xanh",
    "search.heading": "Tìm kiếm",
    "search.subtitle": "Tìm trong mọi tin đã thu thập; gõ có dấu hay không dấu đều được.",
    "search.query": "Từ khoá",
    "search.placeholder": "Ví dụ: chi thi 57 an ninh mang",
    "search.source_type": "Loại nguồn",
    "search.official": "Kênh",
    "search.sentiment": "Cảm xúc",
    "search.sentiment.all": "Tất cả",
    "search.dates": "Khoảng ngày đăng",
    "search.sort": "Sắp xếp",
    "search.sort.relevance": "Phù hợp nhất",
    "search.sort.newest": "Mới nhất",
    "search.empty": ("Gõ từ khoá vào ô trên rồi nhấn Enter, ví dụ: chi thi 57 an ninh mang "
                     "(không cần gõ dấu)."),
    "search.none": "Không tìm thấy tin nào khớp với “{query}”. Thử bớt từ khoá hoặc bỏ bớt bộ lọc.",
    "search.total": "{total} kết quả",
    "search.prev": "Trước",
    "search.next": "Sau",
    "search.page": "Trang {page}/{pages}",
    "search.untitled": "(không có tiêu đề)",
    "item.title": "Chi tiết tin · Phủ xanh",
    "item.heading": "Chi tiết tin",
    "item.missing": ("Không tìm thấy tin này (đường dẫn sai hoặc tin đã bị xoá). "
        "Hãy tìm lại từ trang Tìm kiếm."),
    "item.back": "← Quay lại Tìm kiếm",
    "item.source": "Nguồn",
    "item.url": "Đường dẫn gốc",
    "item.published": "Ngày đăng",
    "item.published_value": "{time} (lấy từ {source})",
    "item.fetched": "Thu thập lần đầu",
    "item.topics": "Chủ đề",
    "item.matched_terms": "Từ khoá khớp",
    "item.author": "Tác giả",
    "item.none": "không có",
    "item.no_text": "Tin không có nội dung văn bản.",
    "item.model_heading": "Nhãn của mô hình",
    "item.effective": "Nhãn đang dùng:",
    "item.model": "Mô hình: {model}",
    "item.narrative": "Luận điệu khớp: {id}",
    "item.cluster_heading": "Cụm tin trùng lặp",
    "item.cluster.none": "Tin này chưa thuộc cụm tin trùng lặp nào.",
    "item.cluster.original": "Cụm {cluster} · đây là bản gốc (bản được thu thập đầu tiên).",
    "item.cluster.copy": "Cụm {cluster} · đây là bản sao của một tin đã thu thập trước.",
    "item.trail_heading": "Lịch sử duyệt",
    "item.trail_empty": "Chưa ai duyệt tin này.",
    "item.trail_by": "{actor} lúc {time}",
    "item.trail_sentiment": "nhãn: {label}",
    "item.trail_response": "bài phản hồi",
    "nav.sources": "Nguồn",
    "sources.title": "Nguồn tin · Phủ xanh",
    "sources.heading": "Tình trạng nguồn tin",
    "sources.explain": ("Nguồn đang lỗi liên tiếp hoặc quá {days} ngày không có tin mới được "
        "xếp lên đầu (tô vàng): hãy kiểm tra đường dẫn RSS/sitemap của nguồn "
        "đó."),
    "sources.empty": ("Chưa có nguồn nào trong config/sources.yaml và chưa lần thu thập nào "
        "được ghi lại."),
    "sources.summary_problems": "{problems}/{total} nguồn cần kiểm tra.",
    "sources.summary_ok": "Cả {total} nguồn đều hoạt động bình thường.",
    "sources.yes": "Có",
    "sources.no": "Không",
    "sources.national": "Toàn quốc",
    "sources.never": "chưa có",
    "sources.not_configured": "không còn trong cấu hình",
    "sources.discovery.feeds": "{count} RSS",
    "sources.discovery.sitemaps": "{count} sitemap",
    "sources.discovery.listings": "{count} trang chuyên mục",
    "sources.discovery.search": "tìm kiếm tin tổng hợp",
    "sources.discovery.none": "không có",
    "sources.col.name": "Nguồn",
    "sources.col.type": "Loại",
    "sources.col.official": "Chính thống",
    "sources.col.province": "Tỉnh/thành",
    "sources.col.enabled": "Đang bật",
    "sources.col.discovery": "Cách thu thập",
    "sources.col.runs": "Số lần chạy",
    "sources.col.last_run": "Chạy gần nhất",
    "sources.col.last_success": "Thành công gần nhất",
    "sources.col.last_new": "Tin mới gần nhất",
    "sources.col.error_streak": "Lỗi liên tiếp",
    "sources.col.silent_days": "Số ngày không có tin mới",
    "sources.col.last_error": "Lỗi gần nhất",
}

# Overview filters, spike alerts, phủ xanh index and unique stories; review queue paging, bulk
# decisions on a cluster and response times; the item's cluster (issue 5, screens 1, 3, 5).
MESSAGES.update({
    "overview.province": "Tỉnh/thành",
    "overview.province.all": "Mọi tỉnh/thành",
    "overview.dates": "Khoảng ngày đăng",
    "overview.period_dates": "Từ {start} đến {end}",
    "overview.no_items_filtered": (
        "Không có bài viết nào khớp bộ lọc trong {weeks} tuần đang xem. Hãy bỏ bớt bộ lọc "
        "(tỉnh/thành, loại nguồn) hoặc mở rộng khoảng ngày."
    ),
    "overview.kpi.index_note": (
        "{positive} tích cực chính thống / {against} tiêu cực hoặc nghi sai lệch"
    ),
    "overview.index.title": "Chỉ số phủ xanh theo tuần, xu hướng và mục tiêu",
    "overview.index.latest_above": (
        "{week}: chỉ số phủ xanh {index}, đạt mục tiêu {target}. {trend}"
    ),
    "overview.index.latest_below": (
        "{week}: chỉ số phủ xanh {index}, chưa đạt mục tiêu {target}. {trend}"
    ),
    "overview.index.latest_nothing": (
        "{week}: chưa có tin tích cực chính thống hay tin tiêu cực/nghi sai lệch để tính chỉ "
        "số (mục tiêu {target}). {trend}"
    ),
    "overview.index.trend": "Xu hướng: {value} điểm % mỗi tuần.",
    "overview.index.no_trend": "Chưa đủ số tuần có dữ liệu để tính xu hướng.",
    "overview.index.explain": (
        "Chỉ số phủ xanh = tin tích cực chính thống ÷ (tin tích cực chính thống + tin tiêu cực "
        "hoặc nghi sai lệch). Đường nét đứt là xu hướng (hồi quy tuyến tính), đường chấm là "
        "mục tiêu trong cấu hình (dashboard.phu_xanh_target). Tuần không có dữ liệu để trống."
    ),
    "overview.stories.title": "Câu chuyện gốc và tổng số bản đăng",
    "overview.stories.summary": (
        "{total} bài trong kỳ, thuộc {originals} câu chuyện gốc ({copies} bản sao/đăng lại, "
        "trung bình {per_story} bài mỗi câu chuyện)."
    ),
    "overview.stories.nothing": "Không có bài viết nào trong kỳ.",
    "overview.stories.explain": (
        "Bản sao là tin gần trùng nội dung với một tin đã thu thập trước (đăng lại, trích "
        "nguồn). Tin chưa được gom cụm được tính là câu chuyện gốc; chạy `phuxanh dedup` để "
        "gom cụm tin mới."
    ),
    "overview.alert.title": "Cảnh báo tăng đột biến",
    "overview.alert.metric.negative": "tỉ lệ tin tiêu cực",
    "overview.alert.metric.misinformation": "tỉ lệ tin nghi sai lệch",
    "overview.alert.scope": " tại {province}",
    "overview.alert.spike": (
        "{week}{scope}: {share} ({count}/{total} tin), tăng {rise} điểm % so với mức nền "
        "{baseline} ({baseline_count}/{baseline_total} tin trong {baseline_weeks} tuần trước)."
    ),
    "overview.alert.open_queue": "Mở hàng chờ duyệt đã lọc →",
    "overview.alert.none": (
        "Không có tăng đột biến. Tuần này so với mức nền: {details}."
    ),
    "overview.alert.now_vs_baseline": "{metric} {share} (mức nền {baseline})",
    "overview.alert.no_baseline": (
        "Chưa đủ dữ liệu các tuần trước để so sánh (cần ít nhất {weeks} tuần có tin và {items} "
        "tin; hiện có {have_weeks} tuần, {have_items} tin). Chạy `phuxanh crawl` đều đặn để "
        "có mức nền."
    ),
    "overview.alert.method": (
        "Cảnh báo khi tỉ lệ tuần mới nhất cao hơn mức nền của {weeks} tuần trước ít nhất {rise} "
        "điểm %, có từ {count} tin trở lên và vượt ngưỡng kiểm định nhị thức một phía "
        "(p < 0,01); áp dụng cho toàn bộ lựa chọn và cho từng tỉnh/thành."
    ),
    "figure.index": "Chỉ số",
    "figure.phu_xanh.index": "Chỉ số phủ xanh",
    "figure.phu_xanh.hover": (
        "%{customdata[0]} tích cực chính thống / %{customdata[1]} tiêu cực hoặc nghi sai lệch"
    ),
    "figure.phu_xanh.trend": "Xu hướng",
    "figure.phu_xanh.target": "Mục tiêu",
    "figure.stories.total": "Tổng số bài (kể cả bản sao)",
    "figure.stories.originals": "Câu chuyện gốc",
    "review.prev": "Trang trước",
    "review.next": "Trang sau",
    "review.page": "Trang {page}",
    "review.count_page": "Tin {first}–{last} trong hàng chờ{more}",
    "review.count_more": " (còn tin ở trang sau)",
    "review.preset": "Đang lọc theo cảnh báo: {filters}.",
    "review.preset.clear": "Bỏ lọc",
    "review.preset.province": "tỉnh/thành {province}",
    "review.preset.flag.negative": "tin tiêu cực",
    "review.preset.flag.misinfo": "tin nghi sai lệch",
    "review.first_seen": "Phát hiện lần đầu: {time}",
    "review.open_detail": "Xem chi tiết",
    "review.cluster.heading": "Cụm tin trùng lặp ({count} bản)",
    "review.cluster.original": "bản gốc",
    "review.cluster.this": "tin đang xem",
    "review.bulk": "Áp dụng quyết định cho cả {count} bản sao chưa duyệt trong cụm",
    "review.bulk.done": "Đã áp dụng cho {applied}/{total} bản sao trong cụm.",
    "review.bulk.conflicts": (
        "{count} bản sao đã được cán bộ khác duyệt trước nên giữ nguyên: {titles}."
    ),
    "review.bulk.gone": "{count} bản sao không còn trong kho dữ liệu.",
    "review.response_delay": "phản hồi chính thức sau {delay} kể từ lúc phát hiện ({seen})",
    "review.done.delay": "Thời gian từ lúc phát hiện đến khi phản hồi: {delay}.",
    "duration.days_hours": "{days} ngày {hours} giờ",
    "duration.hours_minutes": "{hours} giờ {minutes} phút",
    "duration.minutes": "{minutes} phút",
    "duration.under_minute": "dưới 1 phút",
    "item.response": "Bài phản hồi chính thức",
    "item.response_delay": "Thời gian đến khi phản hồi",
    "item.trail_delay": "phản hồi sau {delay} kể từ lúc phát hiện",
    "item.cluster.original_badge": "bản gốc",
    "item.cluster.this": "tin này",
    "item.cluster.more": "Chỉ hiện {count} bản đầu tiên của cụm.",
})

# Coverage by outlet (Đưa tin) and the weekly report (Báo cáo tuần), issue 5 screens 2 and 7.
MESSAGES.update({
    "nav.coverage": "Đưa tin",
    "nav.report": "Báo cáo tuần",
    "outlets.title": "Đưa tin · Phủ xanh",
    "outlets.heading": "Đưa tin của các đơn vị",
    "outlets.explain": (
        "Số bài về chủ đề mỗi đơn vị đăng trong từng tuần (thứ Hai – Chủ nhật) so với chỉ tiêu "
        "được giao (weekly_target trong config/sources.yaml). Tuần đang diễn ra chưa được đánh "
        "giá."),
    "outlets.weeks": "Số tuần",
    "outlets.weeks_option": "{weeks} tuần",
    "outlets.export_csv": "Xuất CSV",
    "outlets.export_xlsx": "Xuất Excel (XLSX)",
    "outlets.figure.title": "Số bài so với chỉ tiêu · {week}",
    "outlets.figure.items": "Số bài {week}",
    "outlets.figure.target": "Chỉ tiêu/tuần",
    "outlets.table.title": "Số bài theo tuần",
    "outlets.col.outlet": "Đơn vị",
    "outlets.col.key": "Mã nguồn",
    "outlets.col.official": "Chính thống",
    "outlets.col.target": "Chỉ tiêu/tuần",
    "outlets.col.running": "{week} (đang diễn ra)",
    "outlets.col.total": "Tổng",
    "outlets.col.status": "Tuần gần nhất",
    "outlets.col.silent": "Im lặng",
    "outlets.status.met": "Đạt chỉ tiêu",
    "outlets.status.under": "Dưới chỉ tiêu",
    "outlets.status.zero": "Không có bài",
    "outlets.status.none": "Không giao chỉ tiêu",
    "outlets.status.running": "Tuần chưa kết thúc",
    "outlets.silent_badge": "Im lặng",
    "outlets.official_badge": "chính thống",
    "outlets.yes": "Có",
    "outlets.no": "Không",
    "outlets.silent": (
        "{count} đơn vị im lặng ({weeks} tuần gần nhất đã kết thúc không có bài nào, dù có chỉ "
        "tiêu hoặc trước đó có đưa tin): {outlets}."),
    "outlets.no_silent": "Không có đơn vị nào im lặng trong tuần gần nhất đã kết thúc.",
    "outlets.empty": (
        "Chưa có đơn vị nào để hiển thị: thêm nguồn (và weekly_target) vào config/sources.yaml "
        "rồi chạy phuxanh crawl."),
    "outlets.empty_press": (
        "Tài khoản của bạn chưa được gán đơn vị nào. Liên hệ quản trị viên (phuxanh users add ..."
        " --outlet)."),
    "outlets.store_empty": (
        "Kho dữ liệu chưa có bài nào nên mọi số đều bằng 0. Chạy phuxanh crawl hoặc make demo."),
    "outlets.scope_press": "Bạn đang xem {count} đơn vị được giao cho tài khoản của mình.",
    "report.title": "Báo cáo tuần · Phủ xanh",
    "report.heading": "Báo cáo tuần",
    "report.subtitle": (
        "Bản tin tóm tắt theo tuần: xem trước tại đây, tải về dạng PDF (khổ A4) hoặc Excel."),
    "report.week": "Tuần",
    "report.week_option": "{week_key}: {start} – {end}",
    "report.week_option_running": "{label} (đang diễn ra)",
    "report.download_pdf": "Tải PDF",
    "report.download_xlsx": "Tải Excel (XLSX)",
    "report.doc_title": "Báo cáo tuần {week}/{year}",
    "report.period": "Từ {start} đến {end}",
    "report.scope_all": "Phạm vi: tất cả các nguồn đang theo dõi.",
    "report.scope_outlets": "Phạm vi: các đơn vị {outlets}.",
    "report.partial": "Tuần này chưa kết thúc: số liệu sẽ còn thay đổi.",
    "report.footer": (
        "phuxanh · Báo cáo tuần {week_key} · lập lúc {generated} · nhãn do mô hình gợi ý, nhãn đã "
        "duyệt được ưu tiên"),
    "report.page": "Trang {page}",
    "report.week_short": "T{week}",
    "report.change": "{value} so với tuần trước",
    "report.change.same": "không đổi so với tuần trước",
    "report.change_points": "{value} điểm % so với tuần trước",
    "report.kpi.total": "Tổng số bài",
    "report.kpi.total_note": "{unclassified} bài chưa phân loại",
    "report.kpi.originals": "Tin gốc (không tính bản sao)",
    "report.kpi.originals_note": "{copies} bản sao, đăng lại",
    "report.kpi.official_positive": "Tin tích cực từ kênh chính thống",
    "report.kpi.official_positive_note": "trong {positive} tin tích cực",
    "report.kpi.against": "Tin tiêu cực hoặc nghi sai lệch",
    "report.kpi.against_note": "{negative} tiêu cực · {misinformation} nghi sai lệch",
    "report.kpi.index": "Chỉ số phủ xanh",
    "report.kpi.index_note": (
        "tích cực chính thống / (tích cực chính thống + tiêu cực, nghi sai lệch)"),
    "report.kpi.explain": (
        "Một bài vừa tiêu cực vừa nghi sai lệch chỉ được tính một lần. Nhãn do mô hình gợi ý; "
        "nhãn cán bộ đã duyệt được ưu tiên."),
    "report.section.volume": "Số bài theo tuần, phân theo cảm xúc",
    "report.section.balance": (
        "Phủ xanh: tin tích cực chính thống so với tin tiêu cực, nghi sai lệch"),
    "report.section.narratives": "Các luận điệu sai lệch xuất hiện nhiều nhất",
    "report.section.coverage": "Đưa tin của các đơn vị so với chỉ tiêu",
    "report.section.handled": "Tin đã xử lý trong tuần",
    "report.series.official_positive": "Tích cực từ kênh chính thống",
    "report.series.against": "Tiêu cực hoặc nghi sai lệch",
    "report.narratives.none": "Không có bài nào nghi lặp lại luận điệu sai lệch trong tuần.",
    "report.narratives.unmatched": "(nghi sai lệch, chưa khớp luận điệu đã biết)",
    "report.narratives.no_rebuttal": "chưa có bài phản bác",
    "report.narratives.col.rank": "#",
    "report.narratives.col.id": "Mã luận điệu",
    "report.narratives.col.claim": "Luận điệu",
    "report.narratives.col.count": "Số bài",
    "report.narratives.col.rebuttal": "Bài phản bác",
    "report.link": "Mở liên kết",
    "report.coverage.silent": "Đơn vị im lặng: {outlets}.",
    "report.coverage.no_silent": "Không có đơn vị nào im lặng.",
    "report.coverage.running": "* Tuần đang diễn ra: chưa đánh giá.",
    "report.coverage.legend": (
        "Xanh: đạt chỉ tiêu · cam: dưới chỉ tiêu · đỏ: có chỉ tiêu nhưng không có bài · xám: tuần"
        " chưa kết thúc. Im lặng: tuần gần nhất đã kết thúc không có bài, dù có chỉ tiêu hoặc "
        "trước đó có đưa tin."),
    "report.handled.more": "… và {count} tin khác ({total} tin; đủ cả trong file Excel).",
    "report.handled.none": "Chưa có tin nào được đánh dấu đã xử lý trong tuần.",
    "report.handled.col.item": "Bài viết",
    "report.handled.col.url": "Đường dẫn",
    "report.handled.col.outlet": "Nguồn",
    "report.handled.col.first_seen": "Phát hiện lúc",
    "report.handled.col.handled_at": "Xử lý lúc",
    "report.handled.col.time": "Thời gian phản hồi",
    "report.handled.col.hours": "Thời gian phản hồi (giờ)",
    "report.handled.col.response": "Bài phản hồi chính thức",
    "report.hours": "{value} giờ",
    "report.days_hours": "{days} ngày {hours} giờ",
    "report.sheet.summary": "Tổng hợp",
    "report.sheet.trend": "Xu hướng",
    "report.sheet.narratives": "Luận điệu",
    "report.sheet.coverage": "Đưa tin",
    "report.sheet.handled": "Đã xử lý",
    "report.meta.week": "Tuần",
    "report.meta.from": "Từ ngày",
    "report.meta.to": "Đến ngày",
    "report.meta.topic": "Chủ đề",
    "report.meta.scope": "Phạm vi",
    "report.meta.generated": "Lập lúc",
    "report.col.metric": "Chỉ số",
    "report.col.this_week": "Tuần {week_key}",
    "report.col.previous_week": "Tuần trước ({week_key})",
    "report.col.week": "Tuần (ISO)",
    "report.col.monday": "Thứ Hai đầu tuần",
    "report.metric.total": "Tổng số bài",
    "report.metric.originals": "Tin gốc",
    "report.metric.copies": "Bản sao, đăng lại",
    "report.metric.positive": "Tích cực",
    "report.metric.neutral": "Trung lập",
    "report.metric.negative": "Tiêu cực",
    "report.metric.unclassified": "Chưa phân loại",
    "report.metric.official_positive": "Tích cực từ kênh chính thống",
    "report.metric.misinformation": "Nghi sai lệch",
    "report.metric.against": "Tiêu cực hoặc nghi sai lệch",
    "report.metric.index": "Chỉ số phủ xanh",
})

# -- review page: adding a known narrative from an item (dashboard/pages/review_narrative.py) --
MESSAGES.update({
    "review.narrative.open": "Thêm luận điệu sai mới từ tin này",
    "review.narrative.help": "Ghi lại luận điệu sai mà tin này đưa ra (một câu, viết như người "
                             "ta vẫn nói) và thông tin bác bỏ chính thức. Từ lần phân loại sau, "
                             "các tin lặp lại luận điệu này sẽ được gợi ý để duyệt.",
    "review.narrative.claim": "Luận điệu sai (ít nhất 20 ký tự)",
    "review.narrative.rebuttal": "Thông tin bác bỏ chính thức",
    "review.narrative.url": "Đường link bài bác bỏ (không bắt buộc)",
    "review.narrative.add": "Thêm luận điệu",
    "review.narrative.pick": "Chọn một tin trong hàng chờ trước.",
    "review.narrative.invalid": "Chưa thêm được: {reason}",
    "review.narrative.added": "Đã thêm luận điệu {id}. Chạy lại phân loại "
                              "(phuxanh classify --reclassify) để áp dụng cho các tin đã có.",
    # item page: classification history (dashboard/pages/item.py _history)
    "item.history_heading": "Lịch sử phân loại",
    "item.history_empty": "Mô hình chưa phân loại tin này. Chạy `phuxanh classify` để gắn "
                          "nhãn; mỗi lần nhãn thay đổi sẽ được ghi lại ở đây.",
    "item.history_before": "Nhãn hiện tại có từ trước khi lịch sử được ghi (hoặc đến cùng dữ "
                           "liệu nhập); các lần thay đổi nhãn từ nay sẽ được ghi lại ở đây.",
    "item.history_sentiment": "{label} ({score})",
    "item.history_no_sentiment": "chưa có nhãn cảm xúc",
    "item.history_misinfo": "tin sai lệch: {label} ({score})",
    "item.history_narrative": "luận điệu {id}",
})

# background jobs (dashboard/background.py): the report and the exports
MESSAGES.update({
    "job.running.report": "Đang tạo báo cáo…",
    "job.running.export": "Đang tạo tệp xuất…",
    "job.step": "Bước {step}/{steps}: {label}",
    "job.step.data": "đọc số liệu",
    "job.step.render": "dựng trang báo cáo",
    "job.step.audit": "ghi nhật ký xuất",
    "job.step.file": "tạo tệp",
})
