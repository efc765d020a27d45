# English interface text. Every key here must also be in zh-Hans.ftl and zh-Hant.ftl (a test checks).

zone-default = Government Information Zone
loading = Loading…
load-failed = Public information cannot be read right now. Please ask the staff.
yes = yes

## Home tiles
tile-catalogue = Information Catalogue
tile-policies = Policies & Interpretations
tile-guides = Service Guides
tile-request = Request Information
tile-boards = Scan to Read
tile-faq = Policy Q&A
tile-search = Search
tile-feedback = Rate & Comment
tile-about = About this Zone
screen-reader = Reading
screen-attendant = Staff

home-latest = Latest
home-empty = No information has been published yet.
count-documents = Documents
count-interpretations = Interpretations
count-guides = Guides
count-boards = QR boards
count-faqs = Q&A
count-results = { $count } results

## Status and navigation bars
status-as-of = Content as of { $date }
status-no-content = No content yet
status-online = Online
status-offline = Offline (using local content)
status-checking = Checking for updates
status-standalone = Local content
status-printer-off = Printing: not set up
status-sample = Sample content · not real government information
fresh-expired = Local content is not yet the latest publication
fresh-failed = Updates unavailable for now; showing the content on this kiosk
nav-home = Home
nav-back = Back
nav-large = Large text
nav-contrast = High contrast
lang-zh-Hans = 简体
lang-zh-Hant = 繁體
lang-en = English

## Catalogue
facet-category = Topic
facet-area = Key area
facet-publisher = Publisher
facet-year = Year
facet-kind = Type
facet-validity = Validity
catalogue-all = All
catalogue-up = Up one level
catalogue-empty = No documents here yet.
page-prev = Previous page
page-next = Next page
page-of = Page { $page } of { $pages }

kind-policy = Policy document
kind-interpretation = Interpretation
kind-regulation = Normative document
kind-notice = Notice
kind-plan = Plan
kind-report = Work report
kind-annual-report = Annual disclosure report
kind-disclosure-guide = Disclosure guide
kind-disclosure-rules = Disclosure rules
kind-budget = Budget and accounts
kind-statistics = Statistics
kind-procurement = Procurement
kind-project = Major project
kind-licensing = Licensing
kind-penalty = Penalty
kind-personnel = Personnel
kind-emergency = Emergency management
kind-other = Other
validity-valid = In force
validity-expired = Expired
validity-repealed = Repealed
validity-amended = Amended

## Reader
meta-index-no = Index no.
meta-publisher = Publisher
meta-doc-no = Document no.
meta-written = Written
meta-published = Published
meta-validity = Validity
meta-kind = Type
reader-qr = Scan for the original
reader-no-qr = No online original for this document
reader-policy = The policy this interprets
reader-interpretations = Interpretations of this document
reader-smaller = Smaller text
reader-bigger = Larger text
reader-page-up = Page up
reader-page-down = Page down
reader-top = Back to top
reader-voice = Read aloud
reader-voice-stop = Stop reading
reader-print = Print

## Search and keyboard
search-placeholder = Type what you are looking for
search-run = Search
search-instant = Results as you type
search-help = Type Chinese, traditional characters or pinyin initials, e.g. zfxxgk.
search-nothing = Nothing found.
search-try = Try:
search-related = Related guides and Q&A:
search-ask-staff = Still not found? Please ask the staff.
search-type-again = Change search
filter-all = All
item-document = Documents
item-guide = Guides
item-faq = Q&A
kb-pinyin = Pinyin
kb-abc = ABC
kb-digits = 123
kb-space = Space
kb-backspace = Delete
kb-clear = Clear
kb-done = Done
kb-more = More
kb-hint = Type pinyin, then tap a character

## Service guides
guide-code = Item code
guide-legal-limit = Legal time limit
guide-promised-limit = Promised time limit
guide-on-the-spot = Done on the spot
guide-fee = Fees
guide-visits = Visits needed
guide-visits-n = { $count ->
    [one] one visit
   *[other] { $count } visits
}
guide-materials = Materials
guide-copies = { $count ->
    [one] 1 copy
   *[other] { $count } copies
}
guide-required = required
guide-optional = if applicable
guide-no-materials = No materials needed.
guide-steps = Steps
guide-where = Where and when
guide-office = Office
guide-window = Window
guide-location = Address
guide-transport = Getting there
guide-hours = Hours
guide-consult-phone = Enquiries
guide-complaint-phone = Complaints
guide-delivery = Results delivered
guide-conditions = Who can apply
guide-basis = Legal basis
guide-faq = Common questions
guide-qr = Scan to apply online
guide-no-qr = No online service for this item

## Policy Q&A, QR boards
faq-search = Search Q&A
faq-related-document = Related document
faq-related-guide = Service guide
boards-help = Scan with your phone to take the information home.
boards-scan = Scan a code below with your phone's camera or WeChat
boards-print = Print poster
boards-no-address = no online address yet

## Rating and comments
feedback-question = Were you satisfied with the service?
rating-5 = Very satisfied
rating-4 = Satisfied
rating-3 = Fairly satisfied
rating-2 = Dissatisfied
rating-1 = Very dissatisfied
feedback-message = Comment (optional)
feedback-message-hint = Type your comment or suggestion on the keyboard below
feedback-send = Send rating
feedback-choose = Please choose a rating first.
feedback-thanks = Thank you for your rating!
feedback-failed = The rating could not be saved:

## About this zone
about-address = Address
about-hours = Opening hours
about-phone = Phone
about-portal = Website
about-request-office = Office receiving requests
about-office = Office
about-postcode = Postcode
about-email = Email
about-open-day = Government open day
about-schedule = Schedule
about-how-to-join = How to join

## Idle
idle-question = Are you still there?
idle-countdown = Back to Home in { $seconds } s
idle-continue = Continue
attract-touch = Touch the screen to start
attract-what = Government information · Service guides · Scan to take home · Print forms

## Notices
notice-ok = OK
notice-open-failed = This page cannot be opened right now. Please try again or ask the staff.
notice-print-unavailable = No printer is connected to this kiosk yet. Please ask the staff for a paper copy.
notice-voice-failed = Reading aloud is not available right now. Please ask the staff.
notice-screen-failed = Something went wrong on this page; returning to Home.

## Staff
attendant-pin = Enter the staff PIN
attendant-cancel = Cancel
attendant-wrong = Wrong PIN. { $left } tries left.
attendant-locked = Too many wrong PINs. Try again in { $seconds } s.
attendant-no-pin = No staff PIN is set on this kiosk.
attendant-content = Content and sync
attendant-version = Content version
attendant-source = Update source
attendant-no-source = none (local import only)
attendant-last-sync = Last sync
attendant-last-success = Last success
attendant-expired = Content has expired
attendant-sync-now = Sync now
attendant-syncing = Syncing…
attendant-sync-updated = Updated to content version { $version }
attendant-sync-unchanged = Content is up to date
attendant-sync-failed = Sync failed; local content stays:
attendant-refresh = Refresh
attendant-today = Today
attendant-printer = Printer
attendant-exit = Exit to desktop
attendant-close = Close staff mode
usage-session = Visitors
usage-open-document = Documents opened
usage-open-guide = Guides opened
usage-open-board = QR boards opened
usage-search = Searches
usage-feedback = Ratings
usage-print = Prints
usage-speech = Read aloud
