//! 依申请公开 on the touch screen: the 政府信息公开申请表 filled in one question per screen —
//! applicant type → identity and contact → information wanted (with "find it in the catalogue")
//! → medium and delivery → review → print. Names and addresses are typed on the pinyin keyboard,
//! ID numbers get the GB 11643 check, phones, postcodes and e-mails are checked, and required
//! answers are asked for in plain words. An attendant runs the same wizard as 代为填写.
//!
//! What is typed lives in this screen's memory only: it is never stored or logged, it is wiped
//! once the form is printed, and it goes with the screen on idle reset.

use iced::widget::{Column, Row, column, container, row, text};
use iced::{Alignment, Length, Task};

use super::{Ctx, Env, Event, Route};
use crate::ime::Field;
use crate::print::request::{Applicant, MEDIA, RECEIVE};
use crate::print::{FormKind, Printable, RequestForm};
use crate::store::Store;
use crate::ui::Element;
use crate::ui::i18n::{content, t};
use crate::ui::theme;
use crate::ui::widgets::keyboard::{self, Edit, Keyboard, Layout};
use crate::ui::widgets::{self, Icon, scroll, voice};

/// The ID documents offered (printed as written).
pub const ID_KINDS: [&str; 4] = ["居民身份证", "港澳居民来往内地通行证", "台湾居民来往大陆通行证", "护照"];
/// Documents the finder offers at most.
const FOUND_MAX: usize = 4;

/// One question of the wizard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Question {
    ApplicantType,
    Name,
    IdKind,
    IdNumber,
    Phone,
    Address,
    Postcode,
    Email,
    Employer,
    Fax,
    OrgName,
    CreditCode,
    LegalRep,
    ContactName,
    ContactPhone,
    ContactEmail,
    OrgAddress,
    OrgFax,
    TitleOrNo,
    Description,
    Purpose,
    Media,
    Receive,
    Review,
}

/// The five steps the questions belong to (shown as progress).
pub const STEPS: [&str; 5] =
    ["req-step-applicant", "req-step-identity", "req-step-information", "req-step-delivery", "req-step-review"];

impl Question {
    /// The questions for an applicant type, in order.
    pub fn all(applicant: Applicant) -> Vec<Question> {
        use Question::*;
        let who: &[Question] = match applicant {
            Applicant::Citizen => &[Name, IdKind, IdNumber, Phone, Address, Postcode, Email, Employer, Fax],
            Applicant::Organisation => {
                &[OrgName, CreditCode, LegalRep, ContactName, ContactPhone, ContactEmail, OrgAddress, OrgFax]
            }
        };
        let mut all = vec![ApplicantType];
        all.extend_from_slice(who);
        all.extend_from_slice(&[TitleOrNo, Description, Purpose, Media, Receive, Review]);
        all
    }

    /// Which of the five steps.
    pub fn step(self) -> usize {
        use Question::*;
        match self {
            ApplicantType => 0,
            TitleOrNo | Description | Purpose => 2,
            Media | Receive => 3,
            Review => 4,
            _ => 1,
        }
    }

    /// The field name `RequestForm::problems` uses.
    pub fn field(self) -> &'static str {
        use Question::*;
        match self {
            ApplicantType => "applicant",
            Name => "name",
            IdKind => "id_kind",
            IdNumber => "id_number",
            Phone => "phone",
            Address => "address",
            Postcode => "postcode",
            Email => "email",
            Employer => "employer",
            Fax => "fax",
            OrgName => "org_name",
            CreditCode => "credit_code",
            LegalRep => "legal_rep",
            ContactName => "contact_name",
            ContactPhone => "contact_phone",
            ContactEmail => "contact_email",
            OrgAddress => "org_address",
            OrgFax => "org_fax",
            TitleOrNo => "title_or_no",
            Description => "description",
            Purpose => "purpose",
            Media => "media",
            Receive => "receive",
            Review => "review",
        }
    }

    /// Translation key of the question ("req-q-" + field).
    pub fn key(self) -> String {
        format!("req-q-{}", self.field().replace('_', "-"))
    }

    /// The question a `kiosk --open request-form:NAME` names (its field, with dashes).
    pub fn named(name: &str) -> Option<Question> {
        [Applicant::Citizen, Applicant::Organisation]
            .into_iter()
            .flat_map(Question::all)
            .find(|q| q.field().replace('_', "-") == name)
    }

    /// Whether it must be answered.
    pub fn required(self) -> bool {
        use Question::*;
        matches!(
            self,
            Name | IdNumber
                | OrgName
                | CreditCode
                | LegalRep
                | ContactName
                | ContactPhone
                | TitleOrNo
                | Description
                | Media
                | Receive
        )
    }

    /// Whether the answer is a person's name (the keyboard offers surnames first).
    pub fn is_name(self) -> bool {
        matches!(self, Question::Name | Question::ContactName | Question::LegalRep)
    }

    /// The keyboard layout a typed answer starts in (None: not typed).
    pub fn layout(self) -> Option<Layout> {
        use Question::*;
        match self {
            Name | Address | Employer | OrgName | LegalRep | ContactName | OrgAddress | TitleOrNo | Description
            | Purpose => Some(Layout::Pinyin),
            IdNumber | Phone | Postcode | Fax | ContactPhone | OrgFax => Some(Layout::Digits),
            CreditCode | Email | ContactEmail => Some(Layout::Abc),
            _ => None,
        }
    }

    /// Longest answer kept, in characters.
    fn max_len(self) -> usize {
        use Question::*;
        match self {
            Description => 600,
            IdNumber | CreditCode => 18,
            Postcode => 6,
            Phone | Fax | ContactPhone | OrgFax => 20,
            _ => 120,
        }
    }
}

/// The typed text of a question in the form.
fn field_mut(form: &mut RequestForm, q: Question) -> Option<&mut String> {
    use Question::*;
    Some(match q {
        Name => &mut form.name,
        IdNumber => &mut form.id_number,
        Phone => &mut form.phone,
        Address => &mut form.address,
        Postcode => &mut form.postcode,
        Email => &mut form.email,
        Employer => &mut form.employer,
        Fax => &mut form.fax,
        OrgName => &mut form.org_name,
        CreditCode => &mut form.credit_code,
        LegalRep => &mut form.legal_rep,
        ContactName => &mut form.contact_name,
        ContactPhone => &mut form.contact_phone,
        ContactEmail => &mut form.contact_email,
        OrgAddress => &mut form.org_address,
        OrgFax => &mut form.org_fax,
        TitleOrNo => &mut form.title_or_no,
        Description => &mut form.description,
        Purpose => &mut form.purpose,
        _ => return None,
    })
}

/// A document the catalogue finder offers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundDoc {
    pub id: String,
    pub title: String,
    pub doc_no: Option<String>,
}

impl FoundDoc {
    /// Its title with its 文号 in brackets, unless the title already carries the 文号.
    pub fn label(&self) -> String {
        match &self.doc_no {
            Some(no) if !self.title.contains(no.as_str()) => format!("{}（{no}）", self.title),
            _ => self.title.clone(),
        }
    }
}

/// "Find it in the catalogue" on the title question: what is typed searches document titles.
#[derive(Debug, Clone, Default)]
pub struct Finder {
    pub query: String,
    pub found: Vec<FoundDoc>,
}

#[derive(Debug, Clone, Default)]
pub struct RequestWizard {
    pub form: RequestForm,
    /// Index into `Question::all(form.applicant)`.
    pub at: usize,
    pub keyboard: Keyboard,
    /// Translation key of what is wrong with the answer on screen.
    pub problem: Option<&'static str>,
    pub finder: Option<Finder>,
    /// The form went to the printer and was wiped.
    pub printed: bool,
    /// No printer is attached (the directory backend): a filled form cannot be printed here,
    /// which the wizard says at its start and before printing.
    pub no_printer: bool,
    /// The page's scroll position (each question opens at its top), and the finder's list's.
    pub scroll: scroll::Scroll,
    pub finder_scroll: scroll::Scroll,
    /// Reading the question on screen aloud (never the visitor's answers).
    pub voice: voice::Voice,
}

#[derive(Debug, Clone)]
pub enum Message {
    Applicant(Applicant),
    Key(keyboard::Message),
    IdKind(usize),
    Media(usize),
    Receive(usize),
    AcceptOther,
    Next,
    Prev,
    Go(Question),
    /// Back to the first question of an earlier step (the progress row's chips).
    Step(usize),
    OpenFinder,
    CloseFinder,
    Found(String, Result<Vec<FoundDoc>, String>),
    Pick(FoundDoc),
    Picked(Result<(FoundDoc, Option<String>), String>),
    Print,
    /// The form was printed: everything typed is forgotten.
    Printed,
    Again,
    Home,
    Scroll(scroll::Message),
    FinderScroll(scroll::Message),
    Voice(voice::Message),
}

impl Message {
    pub fn is_touch(&self) -> bool {
        match self {
            Message::Key(k) => k.is_touch(),
            Message::Applicant(_)
            | Message::IdKind(_)
            | Message::Media(_)
            | Message::Receive(_)
            | Message::AcceptOther
            | Message::Next
            | Message::Prev
            | Message::Go(_)
            | Message::Step(_)
            | Message::OpenFinder
            | Message::CloseFinder
            | Message::Pick(_)
            | Message::Print
            | Message::Voice(_)
            | Message::Again
            | Message::Home => true,
            Message::Found(..) | Message::Picked(_) | Message::Printed => false,
            Message::Scroll(m) | Message::FinderScroll(m) => m.is_touch(),
        }
    }
}

impl RequestWizard {
    pub fn new(on_behalf: bool) -> Self {
        let form = RequestForm { on_behalf, id_kind: ID_KINDS[0].into(), ..RequestForm::default() };
        Self { form, ..Self::default() }
    }

    /// The wizard at `start` (an organisation's question starts the organisation's questions).
    pub fn starting_at(on_behalf: bool, start: Option<Question>) -> Self {
        let mut w = RequestWizard::new(on_behalf);
        if let Some(q) = start {
            if !Question::all(Applicant::Citizen).contains(&q) {
                w.form.applicant = Applicant::Organisation;
            }
            w.go(q);
        }
        w
    }

    /// The kiosk's printer is known once the screen is on show.
    pub fn on_enter(&mut self, env: &Env) {
        self.no_printer = env.config.printer.backend == crate::config::PrinterBackend::Directory;
    }

    /// Whether the visitor has answered anything that leaving would throw away.
    pub fn holds_answers(&self) -> bool {
        if self.printed {
            return false;
        }
        let blank = RequestWizard::new(self.form.on_behalf);
        self.at > 0 || self.form != blank.form || !self.keyboard.composing().is_empty()
    }

    pub fn questions(&self) -> Vec<Question> {
        Question::all(self.form.applicant)
    }

    pub fn question(&self) -> Question {
        let all = self.questions();
        all[self.at.min(all.len() - 1)]
    }

    fn go(&mut self, q: Question) {
        if let Some(i) = self.questions().iter().position(|x| *x == q) {
            self.at = i;
        }
        self.problem = None;
        self.finder = None;
        self.keyboard = Keyboard::with_layout(q.layout().unwrap_or_default());
        self.scroll = scroll::Scroll::default();
    }

    /// What is wrong with the answer to `q` on its own (the review checks the whole form).
    fn check(&self, q: Question) -> Option<&'static str> {
        if !self.keyboard.composing().is_empty() {
            return Some("req-finish-typing");
        }
        self.form.problems().into_iter().find(|p| p.field == q.field() && p.key != "req-need-contact").map(|p| p.key)
    }

    /// What is read aloud for the question on screen: the question, its hint or its choices
    /// (in 简体: the voice reads Chinese whatever the screen's language).
    fn read_aloud(&self) -> String {
        let l = crate::config::Language::ZhHans;
        let q = self.question();
        let mut parts = vec![match q {
            Question::ApplicantType => t(l, "req-q-applicant"),
            _ => t(l, &q.key()),
        }];
        match q {
            Question::ApplicantType => {
                for (key, hint) in [("req-citizen", "req-citizen-hint"), ("req-organisation", "req-organisation-hint")]
                {
                    parts.push(format!("{}：{}", t(l, key), t(l, hint)));
                }
            }
            Question::IdKind => parts.extend((0..ID_KINDS.len()).map(|i| t(l, &format!("req-id-kind-{i}")))),
            Question::Media => parts.extend((0..MEDIA.len()).map(|i| t(l, &format!("req-media-{i}")))),
            Question::Receive => parts.extend((0..RECEIVE.len()).map(|i| t(l, &format!("req-receive-{i}")))),
            Question::Review => {}
            _ => parts.push(t(l, &format!("{}-hint", q.key()))),
        }
        // each part a sentence of its own
        let end = |p: &str| if p.ends_with(['。', '？', '！']) { p.to_string() } else { format!("{p}。") };
        parts.iter().map(|p| end(p.trim_end_matches(['：', ':']))).collect::<Vec<_>>().join("\n")
    }

    pub fn update(&mut self, message: Message, env: &Env) -> (Task<Message>, Option<Event>) {
        let q = self.question();
        let was_reading = self.voice.is_on();
        let (task, event) = self.answer(message, env);
        // another question on screen (or the form wiped): the voice reading this one stops
        if was_reading && event.is_none() && (self.question() != q || !self.voice.is_on()) {
            self.voice.stop();
            return (task, Some(Event::Voice(voice::Command::Stop)));
        }
        (task, event)
    }

    fn answer(&mut self, message: Message, env: &Env) -> (Task<Message>, Option<Event>) {
        let q = self.question();
        match message {
            Message::Voice(m) => {
                // (the text is made only when a reading starts)
                let text = if m == voice::Message::Read { self.read_aloud() } else { String::new() };
                let command = self.voice.update(m, || text);
                return (Task::none(), command.map(Event::Voice));
            }
            Message::Applicant(a) => {
                self.form.applicant = a;
                self.at = 0;
                self.go(Question::all(a)[1]);
            }
            Message::Key(k) => return (self.key(k, env), None),
            Message::IdKind(i) => self.form.id_kind = ID_KINDS.get(i).copied().unwrap_or(ID_KINDS[0]).into(),
            Message::Media(i) => toggle(&mut self.form.media, i),
            Message::Receive(i) => toggle(&mut self.form.receive, i),
            Message::AcceptOther => self.form.accept_other_way = !self.form.accept_other_way,
            Message::Next => {
                self.problem = self.check(q);
                if self.problem.is_none() {
                    let all = self.questions();
                    let next = all[(self.at + 1).min(all.len() - 1)];
                    self.go(next);
                }
            }
            Message::Prev => {
                let all = self.questions();
                let prev = all[self.at.saturating_sub(1)];
                self.go(prev);
            }
            Message::Go(q) => self.go(q),
            Message::Step(i) => {
                // only back: a later step is reached by answering, with each answer checked
                if i < q.step()
                    && let Some(first) = self.questions().into_iter().find(|x| x.step() == i)
                {
                    self.go(first);
                }
            }
            Message::OpenFinder | Message::CloseFinder | Message::Found(..) | Message::Pick(_) | Message::Picked(_) => {
                return (self.finder_update(message, env), None);
            }
            Message::Print => {
                if !self.form.problems().is_empty() {
                    return (Task::none(), None);
                }
                let mut form = self.form.clone();
                form.date = Some(chrono::Local::now().date_naive());
                return (Task::none(), Some(Event::Print(Printable::Form(FormKind::Filled(Box::new(form))))));
            }
            Message::Printed => {
                let (on_behalf, no_printer) = (self.form.on_behalf, self.no_printer);
                *self = RequestWizard { printed: true, no_printer, ..RequestWizard::new(on_behalf) };
            }
            Message::Again => {
                let no_printer = self.no_printer;
                *self = RequestWizard { no_printer, ..RequestWizard::new(self.form.on_behalf) };
            }
            Message::Home => return (Task::none(), Some(Event::Open(Route::Home))),
            Message::Scroll(m) => self.scroll.update(m),
            Message::FinderScroll(m) => self.finder_scroll.update(m),
        }
        (Task::none(), None)
    }

    /// A key of the keyboard: into the answer on screen, or into the catalogue finder.
    fn key(&mut self, k: keyboard::Message, env: &Env) -> Task<Message> {
        let q = self.question();
        // a name's first syllable is its surname while nothing is written yet
        let field = match (&self.finder, q.is_name()) {
            (None, true) => {
                let mut form = self.form.clone();
                Field::Name { first: field_mut(&mut form, q).is_none_or(|s| s.is_empty()) }
            }
            _ => Field::Text,
        };
        let (edit, recognizing) = self.keyboard.update(k, &env.keyboard(field));
        let recognizing = recognizing.map(Message::Key);
        if let Some(finder) = &mut self.finder {
            apply(&mut finder.query, edit, 60);
            // pinyin still being typed searches too (initials such as "lnzc" find titles)
            let query = format!("{}{}", finder.query, self.keyboard.composing());
            return Task::batch([find(env, query), recognizing]);
        }
        if let Some(s) = field_mut(&mut self.form, q) {
            apply(s, edit, q.max_len());
            // an ID's check character and a credit code are written in capitals
            if matches!(q, Question::IdNumber | Question::CreditCode) {
                s.make_ascii_uppercase();
            }
            self.problem = None;
        }
        recognizing
    }

    /// "Find it in the catalogue": opening and closing it, its results, and picking one.
    fn finder_update(&mut self, message: Message, env: &Env) -> Task<Message> {
        match message {
            Message::OpenFinder => {
                self.keyboard = Keyboard::with_layout(Layout::Pinyin);
                self.finder = Some(Finder::default());
            }
            Message::CloseFinder => {
                self.finder = None;
                self.keyboard = Keyboard::with_layout(Layout::Pinyin);
            }
            Message::Found(query, Ok(found)) => {
                self.finder_scroll = scroll::Scroll::default();
                let typed = format!(
                    "{}{}",
                    self.finder.as_ref().map(|f| f.query.as_str()).unwrap_or_default(),
                    self.keyboard.composing()
                );
                if let Some(f) = &mut self.finder
                    && typed == query
                {
                    f.found = found;
                }
            }
            Message::Found(_, Err(e)) => tracing::warn!(error = %e, "catalogue finder failed"),
            Message::Pick(doc) => {
                let dir = env.data_dir.to_path_buf();
                return Task::perform(
                    async move {
                        let store = Store::open_read_only(&dir).map_err(|e| e.to_string())?;
                        let d = store.document(&doc.id).map_err(|e| e.to_string())?;
                        Ok((doc, d.and_then(|d| d.index_no)))
                    },
                    Message::Picked,
                );
            }
            Message::Picked(Ok((doc, index_no))) => {
                self.form.title_or_no = doc.label();
                self.form.index_no = index_no.unwrap_or_default();
                self.finder = None;
                self.keyboard = Keyboard::with_layout(Layout::Pinyin);
                self.problem = None;
            }
            Message::Picked(Err(e)) => tracing::warn!(error = %e, "catalogue finder could not read the document"),
            _ => {}
        }
        Task::none()
    }

    pub fn view(&self, ctx: Ctx) -> Element<'_, Message> {
        let l = ctx.lang;
        let look = ctx.look;
        let p = look.palette();
        if self.printed {
            return widgets::finished(
                ctx,
                t(l, "req-printed"),
                Some(t(l, "req-printed-next")),
                vec![
                    widgets::action(ctx, t(l, "nav-home"), Some(Message::Home), true),
                    widgets::action(ctx, t(l, "req-again"), Some(Message::Again), false),
                ],
            );
        }
        let q = self.question();
        // "(may be left empty)" only on typed answers that are optional
        let next_key = if q.required() || q.layout().is_none() { "req-next" } else { "req-next-or-skip" };
        let nav = row![
            widgets::action(ctx, t(l, "req-prev"), (self.at > 0).then_some(Message::Prev), false),
            widgets::action(ctx, t(l, next_key), Some(Message::Next), true),
        ]
        .spacing(look.gap())
        .into();
        let problem = self.problem.map(|k| text(t(l, k)).size(look.body()).color(p.warn).into());
        if q.layout().is_some() {
            // a typed answer: the keyboard in its fixed place, everything else above it
            return self.typed(ctx, q, nav, problem);
        }
        let body: Element<'_, Message> = match q {
            Question::ApplicantType => self.applicant_type(ctx),
            Question::IdKind => {
                let chips = Row::with_children(ID_KINDS.iter().enumerate().map(|(i, k)| {
                    let label = t(l, &format!("req-id-kind-{i}"));
                    widgets::chip(ctx, label, None, self.form.id_kind == *k, Message::IdKind(i))
                }))
                .spacing(look.gap())
                .wrap()
                .vertical_spacing(10);
                column![text(t(l, &q.key())).size(look.title()), chips, nav].spacing(look.gap()).into()
            }
            Question::Media | Question::Receive => self.choices(ctx, q, nav, problem),
            _ => self.review(ctx),
        };
        scroll::area(ctx, &self.scroll, column![self.progress(ctx), body].spacing(look.gap()), Message::Scroll, true)
    }

    /// Where no printer is attached, what will happen to a filled form, and what can be done.
    fn no_printer_notice<'a>(&self, ctx: Ctx) -> Option<Element<'a, Message>> {
        if !self.no_printer {
            return None;
        }
        let (l, look) = (ctx.lang, ctx.look);
        Some(
            container(
                column![
                    text(t(l, "req-no-printer")).size(look.body()),
                    text(t(l, "req-no-printer-what")).size(look.body()),
                ]
                .spacing(6),
            )
            .padding([12, 18])
            .width(Length::Fill)
            .style(theme::notice(look.palette()))
            .into(),
        )
    }

    /// Where the visitor is: the five steps, the current one marked; and 代为填写 when the
    /// attendant fills it in.
    fn progress(&self, ctx: Ctx) -> Element<'_, Message> {
        let (l, look) = (ctx.lang, ctx.look);
        let p = look.palette();
        let step = self.question().step();
        let mut progress = Row::new().spacing(8).align_y(Alignment::Center);
        for (i, key) in STEPS.iter().enumerate() {
            // the current step is marked by a sign as well as by colour; a step already passed
            // is a button back to it (ticked), a step still ahead is plain text
            let (sign, this) = match i.cmp(&step) {
                std::cmp::Ordering::Less => ("✓ ", theme::Step::Done),
                std::cmp::Ordering::Equal => ("▶ ", theme::Step::Current),
                std::cmp::Ordering::Greater => ("", theme::Step::Ahead),
            };
            let label =
                container(text(format!("{sign}{} {}", i + 1, t(l, key))).size(look.small())).center_y(Length::Fill);
            progress = progress.push(if this == theme::Step::Done {
                Element::from(
                    widgets::tap(label, Some(Message::Step(i)))
                        .height(look.target())
                        .padding([0, 12])
                        .style(theme::button_style(p, theme::Button::Secondary)),
                )
            } else {
                container(label).height(look.target()).padding([0, 12]).style(theme::step(p, this)).into()
            });
        }
        let mut head = Column::new()
            .spacing(8)
            .push(progress.extend(self.voice.buttons(ctx, Message::Voice)).wrap().vertical_spacing(8))
            .extend(self.voice.strip(ctx));
        if self.form.on_behalf {
            head = head.push(text(t(l, "req-on-behalf")).size(look.body()).color(p.accent));
        }
        head.into()
    }

    /// 公民 or 法人或者其他组织, each a large button with a hint.
    fn applicant_type(&self, ctx: Ctx) -> Element<'_, Message> {
        let (l, look) = (ctx.lang, ctx.look);
        let p = look.palette();
        let choice = |a: Applicant, key: &str, hint: &str| -> Element<'_, Message> {
            let picture = if a == Applicant::Citizen { Icon::Person } else { Icon::Organisation };
            let chosen = self.form.applicant == a && self.at > 0;
            widgets::tap(
                row![
                    widgets::icon(picture, look.title() * 1.4, p.ink),
                    column![text(t(l, key)).size(look.title()), text(t(l, hint)).size(look.small()).color(p.muted)]
                        .spacing(8)
                ]
                .spacing(20)
                .align_y(Alignment::Center),
                Some(Message::Applicant(a)),
            )
            .padding(28)
            .width(Length::Fill)
            .style(theme::button_style(p, if chosen { theme::Button::Selected } else { theme::Button::Row }))
            .into()
        };
        column![text(t(l, "req-q-applicant")).size(look.title())]
            .push(self.no_printer_notice(ctx))
            .push(choice(Applicant::Citizen, "req-citizen", "req-citizen-hint"))
            .push(choice(Applicant::Organisation, "req-organisation", "req-organisation-hint"))
            .push(widgets::muted(ctx, t(l, "req-privacy")))
            .spacing(look.gap())
            .into()
    }

    /// The medium and the ways to receive it: any number of ticked chips.
    fn choices<'a>(
        &'a self,
        ctx: Ctx,
        q: Question,
        nav: Element<'a, Message>,
        problem: Option<Element<'a, Message>>,
    ) -> Element<'a, Message> {
        let (l, look) = (ctx.lang, ctx.look);
        let (items, chosen, prefix): (&[&str], &Vec<usize>, &str) = if q == Question::Media {
            (&MEDIA, &self.form.media, "req-media")
        } else {
            (&RECEIVE, &self.form.receive, "req-receive")
        };
        let tick = |on: bool| if on { "☑" } else { "☐" };
        let chips = Row::with_children(items.iter().enumerate().map(|(i, _)| {
            let on = chosen.contains(&i);
            let label = format!("{} {}", tick(on), t(l, &format!("{prefix}-{i}")));
            widgets::chip(
                ctx,
                label,
                None,
                on,
                if q == Question::Media { Message::Media(i) } else { Message::Receive(i) },
            )
        }))
        .spacing(look.gap())
        .wrap()
        .vertical_spacing(10);
        let mut col =
            column![text(t(l, &q.key())).size(look.title()), widgets::muted(ctx, t(l, "req-choose-any")), chips]
                .spacing(look.gap());
        if q == Question::Receive {
            let on = self.form.accept_other_way;
            let label = format!("{} {}", tick(on), t(l, "req-accept-other"));
            col = col.push(widgets::chip(ctx, label, None, on, Message::AcceptOther));
        }
        if let Some(pr) = problem {
            col = col.push(pr);
        }
        col.push(nav).into()
    }

    /// A typed question: the answer box, the keyboard, back / next.
    fn typed<'a>(
        &'a self,
        ctx: Ctx,
        q: Question,
        nav: Element<'a, Message>,
        problem: Option<Element<'a, Message>>,
    ) -> Element<'a, Message> {
        let l = ctx.lang;
        let look = ctx.look;
        let p = look.palette();
        // the question, with back / next beside it
        let title = row![
            row![
                text(t(l, &q.key())).size(look.title()),
                widgets::muted(ctx, t(l, if q.required() { "req-required" } else { "req-optional" })),
            ]
            .spacing(16)
            .align_y(Alignment::Center)
            .width(Length::Fill)
            .wrap(),
            nav,
        ]
        .spacing(16)
        .align_y(Alignment::Center);
        let (value, hint) = match &self.finder {
            Some(f) => (format!("{}{}", f.query, self.keyboard.composing()), t(l, "req-find-hint")),
            None => {
                let mut form = self.form.clone();
                let v = field_mut(&mut form, q).map(|s| s.clone()).unwrap_or_default();
                (format!("{v}{}", self.keyboard.composing()), t(l, &format!("{}-hint", q.key())))
            }
        };
        let shown = if value.is_empty() {
            text(hint).size(look.body()).color(p.muted)
        } else {
            text(value).size(look.heading())
        };
        // as tall as its text (a long hint or answer wraps), at least one touch target
        let answer = container(shown).padding([14, 18]).width(Length::Fill).style(theme::card(p));
        let mut answer_row = row![answer].spacing(look.gap()).align_y(Alignment::Center);
        if q == Question::TitleOrNo {
            answer_row = answer_row.push(match &self.finder {
                None => widgets::icon_action(ctx, Icon::Search, t(l, "req-find"), Some(Message::OpenFinder), false),
                Some(_) => widgets::action(ctx, t(l, "req-find-close"), Some(Message::CloseFinder), false),
            });
        }
        // a message has its line kept free, so showing it moves nothing
        let message = container(problem.unwrap_or_else(|| text("").size(look.body()).into()))
            .height(look.body() * 1.6)
            .clip(true);
        let form = column![title, answer_row, message].spacing(look.gap());
        let above: Element<'a, Message> = match &self.finder {
            None => form.into(),
            Some(f) => {
                let mut list = Column::new().spacing(8);
                for d in &f.found {
                    list = list.push(
                        widgets::tap(text(content(l, &d.label())).size(look.body()), Some(Message::Pick(d.clone())))
                            .width(Length::Fill)
                            .padding([14, 18])
                            .style(theme::button_style(p, theme::Button::Row)),
                    );
                }
                if f.found.is_empty() && !(f.query.is_empty() && self.keyboard.composing().is_empty()) {
                    list = list.push(widgets::muted(ctx, t(l, "req-find-none")));
                }
                let found = scroll::area(ctx, &self.finder_scroll, list, Message::FinderScroll, true);
                // the documents found have the room beside the answer (landscape) or below it
                if ctx.portrait {
                    column![form, found].spacing(look.gap()).into()
                } else {
                    row![container(form).width(Length::FillPortion(1)), container(found).width(Length::FillPortion(1))]
                        .spacing(look.gap())
                        .into()
                }
            }
        };
        column![self.progress(ctx), keyboard::place(ctx, above, &self.keyboard, Message::Key)]
            .spacing(look.gap())
            .height(Length::Fill)
            .into()
    }

    /// Every answer with a button to change it; what must still be fixed; print.
    fn review(&self, ctx: Ctx) -> Element<'_, Message> {
        let l = ctx.lang;
        let look = ctx.look;
        let p = look.palette();
        let f = &self.form;
        let problems = f.problems();
        // print (and back) at the top, in view however long the list below is
        let mut col = Column::new().spacing(10).push(
            row![
                container(widgets::heading(ctx, t(l, "req-q-review"))).width(Length::Fill),
                widgets::action(ctx, t(l, "req-prev"), Some(Message::Prev), false),
                widgets::icon_action(
                    ctx,
                    Icon::Printer,
                    t(l, "req-print"),
                    problems.is_empty().then_some(Message::Print),
                    true
                ),
            ]
            .spacing(look.gap())
            .align_y(Alignment::Center),
        );
        if let Some(n) = self.no_printer_notice(ctx) {
            col = col.push(n);
        }
        if problems.is_empty() {
            col = col.push(widgets::muted(ctx, t(l, "req-review-ok")));
        } else {
            col = col.push(text(t(l, "req-review-fix")).size(look.body()).color(p.warn));
            let mut seen = Vec::new();
            for pr in &problems {
                if !seen.contains(&pr.key) {
                    seen.push(pr.key);
                    col = col.push(text(format!("• {}", t(l, pr.key))).size(look.body()).color(p.warn));
                }
            }
        }
        let list = |prefix: &str, chosen: &[usize]| {
            chosen.iter().map(|i| t(l, &format!("{prefix}-{i}"))).collect::<Vec<_>>().join("、")
        };
        for q in self.questions() {
            let value = match q {
                Question::ApplicantType => {
                    t(l, if f.applicant == Applicant::Citizen { "req-citizen" } else { "req-organisation" })
                }
                Question::IdKind => ID_KINDS
                    .iter()
                    .position(|k| *k == f.id_kind)
                    .map(|i| t(l, &format!("req-id-kind-{i}")))
                    .unwrap_or_default(),
                Question::Media => list("req-media", &f.media),
                Question::Receive => {
                    let mut v = list("req-receive", &f.receive);
                    if f.accept_other_way {
                        v = format!("{v}；{}", t(l, "req-accept-other"));
                    }
                    v
                }
                Question::Review => continue,
                _ => {
                    let mut form = f.clone();
                    field_mut(&mut form, q).map(|s| s.clone()).unwrap_or_default()
                }
            };
            let wrong = problems.iter().any(|pr| pr.field == q.field());
            col = col.push(
                widgets::tap(
                    row![
                        text(t(l, &q.key()))
                            .size(look.small())
                            .color(if wrong { p.warn } else { p.muted })
                            .width(if look.large { 300 } else { 240 }),
                        text(if value.is_empty() { "—".to_string() } else { value })
                            .size(look.body())
                            .width(Length::Fill),
                        text(t(l, "req-change")).size(look.small()).color(p.accent),
                    ]
                    .spacing(12)
                    .align_y(Alignment::Center),
                    Some(Message::Go(q)),
                )
                .width(Length::Fill)
                .padding([14, 16])
                .style(theme::button_style(p, theme::Button::Row)),
            );
        }
        if !f.index_no.is_empty() {
            col = col.push(widgets::muted(ctx, format!("{} {}", t(l, "req-index-no"), f.index_no)));
        }
        col.into()
    }
}

/// Applies a keyboard edit to a text, keeping it at most `max` characters.
fn apply(s: &mut String, edit: Option<Edit>, max: usize) {
    match edit {
        Some(Edit::Insert(x)) => {
            if s.chars().count() + x.chars().count() <= max {
                s.push_str(&x);
            }
        }
        Some(Edit::Backspace) => {
            s.pop();
        }
        Some(Edit::Clear) => s.clear(),
        // the answer is finished with "next"; "done" keeps what is typed
        Some(Edit::Done { rest }) => {
            if s.chars().count() + rest.chars().count() <= max {
                s.push_str(&rest);
            }
        }
        Some(Edit::Composing) | None => {}
    }
}

fn toggle(v: &mut Vec<usize>, i: usize) {
    match v.iter().position(|x| *x == i) {
        Some(at) => {
            v.remove(at);
        }
        None => {
            v.push(i);
            v.sort_unstable();
        }
    }
}

/// Searches document titles for the finder (in a task).
fn find(env: &Env, query: String) -> Task<Message> {
    let Some(searcher) = env.searcher.clone() else { return Task::none() };
    if query.trim().is_empty() {
        return Task::done(Message::Found(query, Ok(Vec::new())));
    }
    let dir = env.data_dir.to_path_buf();
    Task::perform(
        async move {
            let found = (|| {
                let store = Store::open_read_only(&dir).map_err(|e| e.to_string())?;
                let hits = searcher.instant(&store, &query, FOUND_MAX * 3).map_err(|e| e.to_string())?;
                Ok(hits
                    .into_iter()
                    .filter(|h| h.item == crate::content::ItemKind::Document)
                    .take(FOUND_MAX)
                    .map(|h| FoundDoc { id: h.id, title: h.title.text, doc_no: h.doc_no })
                    .collect())
            })();
            (query, found)
        },
        |(q, r)| Message::Found(q, r),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_question_has_a_step_and_typed_ones_a_layout() {
        for a in [Applicant::Citizen, Applicant::Organisation] {
            let all = Question::all(a);
            assert_eq!(all[0], Question::ApplicantType);
            assert_eq!(*all.last().unwrap(), Question::Review);
            // steps never go backwards
            assert!(all.windows(2).all(|w| w[0].step() <= w[1].step()));
            for q in all {
                let mut f = RequestForm::default();
                assert_eq!(field_mut(&mut f, q).is_some(), q.layout().is_some(), "{q:?}");
            }
        }
    }

    #[test]
    fn every_key_the_wizard_builds_exists_in_every_language() {
        use crate::config::Language;
        use crate::ui::i18n::keys;
        let mut wanted: Vec<String> = STEPS.iter().map(|s| s.to_string()).collect();
        for a in [Applicant::Citizen, Applicant::Organisation] {
            for q in Question::all(a) {
                wanted.push(q.key());
                if q.layout().is_some() {
                    wanted.push(format!("{}-hint", q.key()));
                }
            }
            let empty = RequestForm {
                applicant: a,
                phone: "1".into(),
                postcode: "1".into(),
                email: "x".into(),
                fax: "x".into(),
                contact_email: "x".into(),
                org_fax: "x".into(),
                ..RequestForm::default()
            };
            wanted.extend(empty.problems().iter().map(|p| p.key.to_string()));
        }
        wanted.extend((0..MEDIA.len()).map(|i| format!("req-media-{i}")));
        wanted.extend((0..RECEIVE.len()).map(|i| format!("req-receive-{i}")));
        wanted.extend((0..ID_KINDS.len()).map(|i| format!("req-id-kind-{i}")));
        wanted.push("req-need-contact".into());
        for (lang, src) in [
            (Language::ZhHans, include_str!("../../../assets/i18n/zh-Hans.ftl")),
            (Language::ZhHant, include_str!("../../../assets/i18n/zh-Hant.ftl")),
            (Language::English, include_str!("../../../assets/i18n/en.ftl")),
        ] {
            let have = keys(src);
            let missing: Vec<_> = wanted.iter().filter(|k| !have.contains(k)).collect();
            assert!(missing.is_empty(), "{}: {missing:?}", lang.code());
        }
    }

    #[test]
    fn edits_respect_the_length_limit() {
        let mut s = String::from("12345");
        apply(&mut s, Some(Edit::Insert("6".into())), 6);
        apply(&mut s, Some(Edit::Insert("7".into())), 6);
        assert_eq!(s, "123456");
        apply(&mut s, Some(Edit::Backspace), 6);
        assert_eq!(s, "12345");
    }
}
