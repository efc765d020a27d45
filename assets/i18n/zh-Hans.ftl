# 简体中文界面文字。每个键在 zh-Hant.ftl 和 en.ftl 中都必须有对应的译文（测试会检查）。

zone-default = 政务公开专区
loading = 正在载入…
load-failed = 暂时无法读取公开信息，请联系工作人员。
yes = 是

## 首页磁贴
tile-catalogue = 政府信息公开目录
tile-policies = 政策文件与解读
tile-guides = 办事指南
tile-request = 依申请公开
tile-boards = 码上公开
tile-faq = 政策问答
tile-search = 搜索
tile-feedback = 评价与留言
tile-about = 关于本专区
screen-reader = 阅读
screen-attendant = 工作人员

home-latest = 最新公开
home-empty = 暂无公开信息。
count-documents = 公开文件
count-interpretations = 政策解读
count-guides = 办事指南
count-boards = 码上公开
count-faqs = 政策问答
count-results = 共 { $count } 条

## 状态栏与导航栏
status-as-of = 内容截至 { $date }
status-no-content = 尚无内容
status-online = 在线
status-offline = 离线（使用本机内容）
status-checking = 正在检查更新
status-standalone = 本机内容
status-printer-off = 打印：未启用
status-sample = 示例内容 · 非真实政府信息
fresh-expired = 本机内容暂未更新到最新发布版本
fresh-failed = 暂时无法获取更新，显示的是本机已有内容
nav-home = 首页
nav-back = 返回
nav-large = 大字
nav-contrast = 高对比
lang-zh-Hans = 简体
lang-zh-Hant = 繁體
lang-en = English

## 目录
facet-category = 主题分类
facet-area = 重点领域
facet-publisher = 发布机构
facet-year = 年份
facet-kind = 类别
facet-validity = 有效性
catalogue-all = 全部
catalogue-up = 返回上一级
catalogue-empty = 这里暂时没有文件。
page-prev = 上一页
page-next = 下一页
page-of = 第 { $page } / { $pages } 页

kind-policy = 政策文件
kind-interpretation = 政策解读
kind-regulation = 规范性文件
kind-notice = 通知公告
kind-plan = 规划计划
kind-report = 工作报告
kind-annual-report = 政府信息公开年报
kind-disclosure-guide = 政府信息公开指南
kind-disclosure-rules = 政府信息公开制度
kind-budget = 财政预决算
kind-statistics = 统计信息
kind-procurement = 政府采购
kind-project = 重大项目
kind-licensing = 行政许可
kind-penalty = 行政处罚
kind-personnel = 人事信息
kind-emergency = 应急管理
kind-other = 其他
validity-valid = 有效
validity-expired = 失效
validity-repealed = 废止
validity-amended = 已修订

## 阅读
meta-index-no = 索引号
meta-publisher = 发布机构
meta-doc-no = 发文字号
meta-written = 成文日期
meta-published = 发布日期
meta-validity = 有效性
meta-kind = 类别
reader-qr = 扫码查看原文
reader-no-qr = 本文件暂无网上原文地址
reader-policy = 本解读对应的政策文件
reader-interpretations = 本文件的政策解读
reader-smaller = 字小一点
reader-bigger = 字大一点
reader-page-up = 上一屏
reader-page-down = 下一屏
reader-top = 回到顶部
reader-voice = 语音朗读
reader-voice-stop = 停止朗读
reader-print = 打印

## 搜索与键盘
search-placeholder = 请输入要查找的内容
search-run = 搜索
search-instant = 输入中的结果
search-help = 可以输入汉字、繁体字或拼音首字母，例如 zfxxgk。
search-nothing = 没有找到相关内容。
search-try = 可以试试：
search-related = 相关的办事指南和问答：
search-ask-staff = 仍未找到？请咨询现场工作人员。
search-type-again = 修改搜索
filter-all = 全部
item-document = 公开文件
item-guide = 办事指南
item-faq = 政策问答
kb-pinyin = 拼音
kb-abc = ABC
kb-digits = 123
kb-space = 空格
kb-backspace = 删除
kb-clear = 清空
kb-done = 完成
kb-more = 更多
kb-hint = 输入拼音，点选汉字

## 办事指南
guide-code = 事项编码
guide-legal-limit = 法定时限
guide-promised-limit = 承诺时限
guide-on-the-spot = 即办件（当场办结）
guide-fee = 收费标准
guide-visits = 到现场次数
guide-visits-n = { $count } 次
guide-materials = 申请材料
guide-copies = { $count } 份
guide-required = 必需
guide-optional = 视情况提供
guide-no-materials = 无需提交材料。
guide-steps = 办理流程
guide-where = 办理地点和时间
guide-office = 办理机构
guide-window = 办理窗口
guide-location = 办理地点
guide-transport = 交通指引
guide-hours = 办理时间
guide-consult-phone = 咨询电话
guide-complaint-phone = 监督投诉电话
guide-delivery = 结果送达
guide-conditions = 申请条件
guide-basis = 设定依据
guide-faq = 常见问题
guide-qr = 扫码网上办理
guide-no-qr = 本事项暂无网上办理地址

## 政策问答、码上公开
faq-search = 搜索问答
faq-related-document = 查看相关文件
faq-related-guide = 查看办事指南
boards-help = 用手机扫一扫，把信息带回家。
boards-scan = 请用手机相机或微信扫描下方二维码
boards-print = 打印海报
boards-no-address = 暂无网上地址

## 评价与留言
feedback-question = 您对本次服务满意吗？
rating-5 = 非常满意
rating-4 = 满意
rating-3 = 基本满意
rating-2 = 不满意
rating-1 = 非常不满意
feedback-message = 留言（可不填）
feedback-message-hint = 请用下方键盘输入您的意见或建议
feedback-send = 提交评价
feedback-choose = 请先选择一个评价等级。
feedback-thanks = 感谢您的评价！
feedback-failed = 评价未能保存：

## 关于本专区
about-address = 地址
about-hours = 开放时间
about-phone = 咨询电话
about-portal = 政府网站
about-request-office = 依申请公开受理机构
about-office = 受理机构
about-postcode = 邮政编码
about-email = 电子邮箱
about-open-day = 政府开放日
about-schedule = 开放安排
about-how-to-join = 参加方式

## 空闲
idle-question = 还在使用吗？
idle-countdown = { $seconds } 秒后回到首页
idle-continue = 继续使用
attract-touch = 请触摸屏幕开始
attract-what = 查阅政府信息 · 办事指南 · 扫码带走 · 打印申请表

## 提示
notice-ok = 知道了
notice-open-failed = 暂时无法打开这一页，请稍后再试或咨询工作人员。
notice-print-unavailable = 本机尚未接通打印机，请向工作人员索取纸质材料。
notice-voice-failed = 语音朗读暂时无法使用，请咨询工作人员。
notice-screen-failed = 此页面出现问题，正在返回首页。

## 工作人员
attendant-pin = 请输入工作人员密码
attendant-cancel = 取消
attendant-wrong = 密码不正确，还可以再试 { $left } 次。
attendant-locked = 错误次数过多，请 { $seconds } 秒后再试。
attendant-no-pin = 本机未设置工作人员密码。
attendant-content = 内容与同步
attendant-version = 内容版本
attendant-source = 更新来源
attendant-no-source = 未配置（仅本机导入）
attendant-last-sync = 最近一次同步
attendant-last-success = 最近一次成功
attendant-expired = 内容已过有效期
attendant-sync-now = 立即同步
attendant-syncing = 正在同步…
attendant-sync-updated = 已更新到内容版本 { $version }
attendant-sync-unchanged = 已是最新内容
attendant-sync-failed = 同步失败，继续使用本机内容：
attendant-refresh = 刷新
attendant-today = 今日使用
attendant-printer = 打印机
attendant-exit = 退出到桌面
attendant-close = 关闭工作人员模式
usage-session = 访客
usage-open-document = 打开文件
usage-open-guide = 打开指南
usage-open-board = 打开码上公开
usage-search = 搜索
usage-feedback = 评价
usage-print = 打印
usage-speech = 语音朗读
