# 繁體中文介面文字：由簡體版本以 OpenCC（hanconv s2twp）轉換後逐條校對。

zone-default = 政務公開專區
loading = 正在載入…
load-failed = 暫時無法讀取公開資訊，請聯絡工作人員。
yes = 是

## 首頁磁貼
tile-catalogue = 政府資訊公開目錄
tile-policies = 政策檔案與解讀
tile-guides = 辦事指南
tile-request = 依申請公開
tile-boards = 碼上公開
tile-faq = 政策問答
tile-search = 搜尋
tile-feedback = 評價與留言
tile-about = 關於本專區
screen-reader = 閱讀
screen-attendant = 工作人員

home-latest = 最新公開
home-empty = 暫無公開資訊。
count-documents = 公開檔案
count-interpretations = 政策解讀
count-guides = 辦事指南
count-boards = 碼上公開
count-faqs = 政策問答
count-results = 共 { $count } 條

## 狀態列與導航欄
status-as-of = 內容截至 { $date }
status-no-content = 尚無內容
status-online = 線上
status-offline = 離線（使用本機內容）
status-checking = 正在檢查更新
status-standalone = 本機內容
status-printer-off = 列印：未啟用
status-sample = 示例內容 · 非真實政府資訊
fresh-expired = 本機內容暫未更新到最新發布版本
fresh-failed = 暫時無法獲取更新，顯示的是本機已有內容
nav-home = 首頁
nav-back = 返回
nav-large = 大字
nav-contrast = 高對比
lang-zh-Hans = 简体
lang-zh-Hant = 繁體
lang-en = English

## 目錄
facet-category = 主題分類
facet-area = 重點領域
facet-publisher = 釋出機構
facet-year = 年份
facet-kind = 類別
facet-validity = 有效性
catalogue-all = 全部
catalogue-up = 返回上一級
catalogue-empty = 這裡暫時沒有檔案。
page-prev = 上一頁
page-next = 下一頁
page-of = 第 { $page } / { $pages } 頁

kind-policy = 政策檔案
kind-interpretation = 政策解讀
kind-regulation = 規範性檔案
kind-notice = 通知公告
kind-plan = 規劃計劃
kind-report = 工作報告
kind-annual-report = 政府資訊公開年報
kind-disclosure-guide = 政府資訊公開指南
kind-disclosure-rules = 政府資訊公開制度
kind-budget = 財政預決算
kind-statistics = 統計資訊
kind-procurement = 政府採購
kind-project = 重大專案
kind-licensing = 行政許可
kind-penalty = 行政處罰
kind-personnel = 人事資訊
kind-emergency = 應急管理
kind-other = 其他
validity-valid = 有效
validity-expired = 失效
validity-repealed = 廢止
validity-amended = 已修訂

## 閱讀
meta-index-no = 索引號
meta-publisher = 釋出機構
meta-doc-no = 發文字號
meta-written = 成文日期
meta-published = 釋出日期
meta-validity = 有效性
meta-kind = 類別
reader-qr = 掃碼檢視原文
reader-no-qr = 本檔案暫無網上原文地址
reader-policy = 本解讀對應的政策檔案
reader-interpretations = 本檔案的政策解讀
reader-smaller = 字小一點
reader-bigger = 字大一點
reader-page-up = 上一屏
reader-page-down = 下一屏
reader-top = 回到頂部
reader-voice = 語音朗讀
reader-voice-stop = 停止朗讀
reader-print = 列印

## 搜尋與鍵盤
search-placeholder = 請輸入要查詢的內容
search-run = 搜尋
search-instant = 輸入中的結果
search-help = 可以輸入漢字、繁體字或拼音首字母，例如 zfxxgk。
search-nothing = 沒有找到相關內容。
search-try = 可以試試：
search-related = 相關的辦事指南和問答：
search-ask-staff = 仍未找到？請諮詢現場工作人員。
search-type-again = 修改搜尋
filter-all = 全部
item-document = 公開檔案
item-guide = 辦事指南
item-faq = 政策問答
kb-pinyin = 拼音
kb-abc = ABC
kb-digits = 123
kb-space = 空格
kb-backspace = 刪除
kb-clear = 清空
kb-done = 完成
kb-more = 更多
kb-hint = 輸入拼音，點選漢字

## 辦事指南
guide-code = 事項編碼
guide-legal-limit = 法定時限
guide-promised-limit = 承諾時限
guide-on-the-spot = 即辦件（當場辦結）
guide-fee = 收費標準
guide-visits = 到現場次數
guide-visits-n = { $count } 次
guide-materials = 申請材料
guide-copies = { $count } 份
guide-required = 必需
guide-optional = 視情況提供
guide-no-materials = 無需提交材料。
guide-steps = 辦理流程
guide-where = 辦理地點和時間
guide-office = 辦理機構
guide-window = 辦理視窗
guide-location = 辦理地點
guide-transport = 交通指引
guide-hours = 辦理時間
guide-consult-phone = 諮詢電話
guide-complaint-phone = 監督投訴電話
guide-delivery = 結果送達
guide-conditions = 申請條件
guide-basis = 設定依據
guide-faq = 常見問題
guide-qr = 掃碼網上辦理
guide-no-qr = 本事項暫無網上辦理地址

## 政策問答、碼上公開
faq-search = 搜尋問答
faq-related-document = 檢視相關檔案
faq-related-guide = 檢視辦事指南
boards-help = 用手機掃一掃，把資訊帶回家。
boards-scan = 請用手機相機或微信掃描下方二維碼
boards-print = 列印海報
boards-no-address = 暫無網上地址

## 評價與留言
feedback-question = 您對本次服務滿意嗎？
rating-5 = 非常滿意
rating-4 = 滿意
rating-3 = 基本滿意
rating-2 = 不滿意
rating-1 = 非常不滿意
feedback-message = 留言（可不填）
feedback-message-hint = 請用下方鍵盤輸入您的意見或建議
feedback-send = 提交評價
feedback-choose = 請先選擇一個評價等級。
feedback-thanks = 感謝您的評價！
feedback-failed = 評價未能儲存：

## 關於本專區
about-address = 地址
about-hours = 開放時間
about-phone = 諮詢電話
about-portal = 政府網站
about-request-office = 依申請公開受理機構
about-office = 受理機構
about-postcode = 郵政編碼
about-email = 電子郵箱
about-open-day = 政府開放日
about-schedule = 開放安排
about-how-to-join = 參加方式

## 空閒
idle-question = 還在使用嗎？
idle-countdown = { $seconds } 秒後回到首頁
idle-continue = 繼續使用
attract-touch = 請觸控式螢幕幕開始
attract-what = 查閱政府資訊 · 辦事指南 · 掃碼帶走 · 列印申請表

## 提示
notice-ok = 知道了
notice-open-failed = 暫時無法開啟這一頁，請稍後再試或諮詢工作人員。
notice-print-unavailable = 本機尚未接通印表機，請向工作人員索取紙質材料。
notice-voice-failed = 語音朗讀暫時無法使用，請諮詢工作人員。
notice-screen-failed = 此頁面出現問題，正在返回首頁。

## 工作人員
attendant-pin = 請輸入工作人員密碼
attendant-cancel = 取消
attendant-wrong = 密碼不正確，還可以再試 { $left } 次。
attendant-locked = 錯誤次數過多，請 { $seconds } 秒後再試。
attendant-no-pin = 本機未設定工作人員密碼。
attendant-content = 內容與同步
attendant-version = 內容版本
attendant-source = 更新來源
attendant-no-source = 未配置（僅本機匯入）
attendant-last-sync = 最近一次同步
attendant-last-success = 最近一次成功
attendant-expired = 內容已過有效期
attendant-sync-now = 立即同步
attendant-syncing = 正在同步…
attendant-sync-updated = 已更新到內容版本 { $version }
attendant-sync-unchanged = 已是最新內容
attendant-sync-failed = 同步失敗，繼續使用本機內容：
attendant-refresh = 重新整理
attendant-today = 今日使用
attendant-printer = 印表機
attendant-exit = 退出到桌面
attendant-close = 關閉工作人員模式
usage-session = 訪客
usage-open-document = 開啟檔案
usage-open-guide = 開啟指南
usage-open-board = 開啟碼上公開
usage-search = 搜尋
usage-feedback = 評價
usage-print = 列印
usage-speech = 語音朗讀
