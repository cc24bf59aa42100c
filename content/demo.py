"""Demo content for `make run`: organisations, one account per role, stories in several
languages and in every workflow state. All text is written for the hub; no real people."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from content import services
from content.models import User, utcnow
from content.services import campaigns as campaign_services
from content.services import site_pages as site_page_services
from content.services import translations as translation_services
from content.services.reviews import ActionInput
from content.services.stories import CHECKLIST, StoryInput, TextInput
from content.workflow import DEFAULT_POLICY, Action


@dataclass(frozen=True)
class DemoAccounts:
    password: str
    accounts: tuple[tuple[str, str], ...]


DEMO_ACCOUNTS = DemoAccounts(
    password="peace-demo-2026",  # noqa: S106 - demo data, printed by `make run`
    accounts=(
        ("admin@example.org", "admin"),
        ("editor@example.org", "editor (all languages)"),
        ("editor.ur@example.org", "editor (ur, en)"),
        ("translator@example.org", "translator (sd, ur, en)"),
        ("contributor@example.org", "contributor (amn-youth)"),
        ("contributor2@example.org", "contributor (sukoon-women)"),
    ),
)

ORGS = (
    ("amn-youth", "Amn Youth Network", "Young volunteers building dialogue between communities."),
    (
        "sukoon-women",
        "Sukoon Women's Forum",
        "Women leading peace circles in their neighbourhoods.",
    ),
    (
        "dialogue-centre",
        "University Dialogue Centre",
        "Students and teachers learning to disagree well.",
    ),
)

# (language, title, summary, body, themes, region, target state)
STORIES = (
    (
        "en",
        "A cricket match that brought two neighbourhoods together",
        "Young people from two streets that rarely spoke organised a friendly match.",
        "When the youth club invited both neighbourhoods, few expected anyone to come.\n\n"
        "By the afternoon, families shared tea at the boundary and the players agreed to "
        "meet again every month.\n\n## What changed\n\n- Elders sat together for the first time\n"
        "- The young organisers now run a weekly dialogue circle",
        ("youth", "community"),
        "punjab",
        "published",
    ),
    (
        "ur",
        "محلے کی لائبریری جہاں سب کو خوش آمدید کہا جاتا ہے",
        "نوجوانوں نے ایک خالی کمرے کو کتابوں اور مکالمے کی جگہ بنا دیا۔",
        "یہ لائبریری ہر شام کھلتی ہے۔ یہاں مختلف عقائد کے طلبہ ایک ساتھ پڑھتے ہیں۔\n\n"
        "رضاکاروں کا کہنا ہے کہ **مکالمہ** اختلاف کو دشمنی بننے سے روکتا ہے۔\n\n"
        "## آگے کا راستہ\n\nاگلے سال مزید تین محلوں میں ایسی لائبریریاں کھولی جائیں گی۔",
        ("education", "dialogue"),
        "sindh",
        "published",
    ),
    (
        "sd",
        "امن جو پيغام: ڳوٺ جي نوجوانن جي ڪهاڻي",
        "ڳوٺ جا نوجوان هر هفتي گڏجي ڳالهه ٻولهه ڪن ٿا.",
        "هن ڳوٺ ۾ نوجوانن هڪ ننڍڙو ڪلب ٺاهيو آهي.\n\nهو هر هفتي گڏجي رواداري ۽ امن تي ڳالهائين ٿا.",
        ("youth", "peace"),
        "sindh",
        "published",
    ),
    (
        "ps",
        "د سولې لپاره د ځوانانو غونډه",
        "ځوانانو د خپلې سیمې د یووالي لپاره یوه غونډه جوړه کړه.",
        "په دې غونډه کې د بېلابېلو ټولنو ځوانان سره کېناستل.\n\nهغوی پرېکړه وکړه چې هره میاشت به سره ګوري.",
        ("youth", "dialogue"),
        "khyber_pakhtunkhwa",
        "published",
    ),
    (
        "pa",
        "پنڈ دی سانجھ: اک میلہ جتھے سب رل مل بیٹھے",
        "پنڈ دے لوکاں نے اک میلہ لایا جتھے ہر کوئی آیا۔",
        "میلے وچ بچیاں تے بزرگاں نے رل کے گیت گائے۔\n\nسب نے آکھیا کہ امن ساڈی سانجھی دولت اے۔",
        ("community", "tolerance"),
        "punjab",
        "published",
    ),
    (
        "en",
        "Teachers learn to talk about difficult news with students",
        "A workshop on media literacy for school teachers.",
        "Teachers practised checking sources before sharing a message.\n\n"
        "They left with a short guide for classroom discussions.",
        ("media_literacy", "education"),
        "islamabad",
        "in_review",
    ),
    (
        "ur",
        "خواتین کا امن حلقہ",
        "خواتین ہر ہفتے مل کر مسائل کا پرامن حل تلاش کرتی ہیں۔",
        "اس حلقے میں ہر عورت کی بات سنی جاتی ہے۔\n\nیہاں فیصلے باہمی احترام سے ہوتے ہیں۔",
        ("women", "peace"),
        "balochistan",
        "changes_requested",
    ),
    (
        "en",
        "An interfaith iftar in the old city",
        "Neighbours of different faiths shared a meal and their hopes.",
        "The organisers set one long table in the courtyard.\n\nEveryone brought a dish from home.",
        ("interfaith", "community"),
        "punjab",
        "approved",
    ),
    (
        "en",
        "Radio messages for peace in the mountains",
        "Short audio messages recorded by young volunteers.",
        "Volunteers recorded short messages about respect and listening.\n\n"
        "Local radio stations will broadcast them every evening.",
        ("youth", "peace"),
        "gilgit_baltistan",
        "scheduled",
    ),
    (
        "ur",
        "طلبہ کا مکالمہ: اختلاف کیسے کریں",
        "یونیورسٹی کے طلبہ نے احترام کے ساتھ اختلاف کرنا سیکھا۔",
        "یہ مسودہ ابھی تیار ہو رہا ہے۔",
        ("dialogue", "education"),
        "islamabad",
        "draft",
    ),
    (
        "en",
        "A mural painted by the whole street",
        "Children and parents painted a wall with messages of friendship.",
        "The mural shows hands of many colours holding one kite.",
        ("community", "youth"),
        "sindh",
        "unpublished",
    ),
    (
        "en",
        "Old notes from a 2024 peace walk",
        "An early draft that is no longer needed.",
        "These notes were replaced by a newer story.",
        ("peace",),
        "punjab",
        "archived",
    ),
)


def has_users(session: Session) -> bool:
    return bool(session.scalar(select(func.count(User.id))))


def _user(session: Session, email: str) -> User:
    return session.scalar(select(User).where(User.email == email))


def load_demo(session: Session) -> None:
    password = DEMO_ACCOUNTS.password
    orgs = {}
    for slug, name, description in ORGS:
        orgs[slug] = services.create_organisation(
            session, actor=None, slug=slug, name=name, description=description
        )
    people = (
        ("admin@example.org", "Hub Administrator", ["admin"], None, [], False, "en"),
        ("editor@example.org", "Network Editor", ["editor"], None, [], True, "en"),
        ("editor.ur@example.org", "Urdu Editor", ["editor"], None, ["ur", "en"], False, "ur"),
        (
            "translator@example.org",
            "Sindhi Translator",
            ["translator"],
            None,
            ["sd", "ur", "en"],
            False,
            "sd",
        ),
        (
            "contributor@example.org",
            "Youth Communicator",
            ["contributor"],
            "amn-youth",
            [],
            False,
            "en",
        ),
        (
            "contributor2@example.org",
            "Forum Communicator",
            ["contributor"],
            "sukoon-women",
            [],
            False,
            "ur",
        ),
    )
    for email, name, roles, org, langs, all_langs, pref in people:
        services.create_user(
            session,
            actor=None,
            email=email,
            name=name,
            password=password,
            roles=roles,
            organisation_id=orgs[org].id if org else None,
            languages_=langs,
            all_languages=all_langs,
            preferred_language=pref,
        )
    writers = [
        _user(session, "contributor@example.org"),
        _user(session, "contributor2@example.org"),
    ]
    editor = _user(session, "editor@example.org")
    campaign = campaign_services.create_campaign(
        session,
        actor=editor,
        slug="week-of-dialogue",
        lang="en",
        title="A week of dialogue",
        description="Seven days of listening circles, libraries and matches across the country.",
    )
    for code, title, description in CAMPAIGN_TEXTS:
        campaign_services.set_campaign_text(
            session,
            actor=editor,
            campaign=campaign,
            lang=code,
            title=title,
            description=description,
        )
    now = utcnow()
    sources = []
    for i, (lang, title, summary, body, themes, region, target) in enumerate(STORIES):
        author = writers[i % 2]
        t = services.create_story(
            session,
            actor=author,
            data=StoryInput(
                title=title,
                summary=summary,
                body=body,
                source_language=lang,
                themes=themes,
                region=region,
                byline_mode=("named", "organisation", "anonymous")[i % 3],
                campaign_id=campaign.id if i < 3 else None,
            ),
            now=now - timedelta(days=len(STORIES) - i),
        )
        _drive(session, t, target, author, editor)
        sources.append(t)
    _load_translations(session, sources, editor)
    _load_more_published(session, orgs, campaign.id)
    _load_about(session)


CAMPAIGN_TEXTS = (
    ("ur", "مکالمے کا ہفتہ", "ملک بھر میں سننے کے حلقے، لائبریریاں اور کھیل کے سات دن۔"),
    ("sd", "ڳالهه ٻولهه جو هفتو", "سڄي ملڪ ۾ ٻڌڻ جا حلقا، لائبريريون ۽ راندين جا ست ڏينهن."),
)

# (index of the source story, language, title, summary, body, target)
TRANSLATIONS = (
    (
        0,
        "ur",
        "کرکٹ میچ جس نے دو محلوں کو ملا دیا",
        "دو گلیوں کے نوجوانوں نے دوستانہ میچ کا اہتمام کیا۔",
        "جب یوتھ کلب نے دونوں محلوں کو بلایا تو کم لوگوں کو امید تھی کہ کوئی آئے گا۔\n\n"
        "شام تک خاندانوں نے باؤنڈری پر مل کر چائے پی۔\n\n## کیا بدلا\n\n"
        "- بزرگ پہلی بار ایک ساتھ بیٹھے\n- نوجوان اب ہفتہ وار مکالمہ حلقہ چلاتے ہیں",
        "published",
    ),
    (
        0,
        "sd",
        "ڪرڪيٽ ميچ جنهن ٻن محلن کي ملايو",
        "ٻن گهٽين جي نوجوانن دوستاڻو ميچ ڪرايو.",
        "جڏهن يوٿ ڪلب ٻنهي محلن کي سڏيو ته ٿورن کي اميد هئي.\n\n"
        "شام تائين خاندانن گڏجي چانهه پيتي.\n\n## ڇا بدليو\n\n"
        "- بزرگ پهريون ڀيرو گڏ ويٺا\n- نوجوان هاڻي هفتيوار ڳالهه ٻولهه ڪن ٿا",
        "in_review",
    ),
    (
        1,
        "en",
        "The neighbourhood library where everyone is welcome",
        "Young people turned an empty room into a place for books and dialogue.",
        "The library opens every evening. Students of different faiths read together here.\n\n"
        "Volunteers say that **dialogue** keeps disagreement from turning into hostility.\n\n"
        "## The way ahead\n\nNext year, three more neighbourhoods will open such libraries.",
        "published",
    ),
)


def _load_translations(session: Session, sources, editor: User) -> None:
    translator = _user(session, "translator@example.org")
    second_editor = _user(session, "editor.ur@example.org")
    for index, lang, title, summary, body, target in TRANSLATIONS:
        source = sources[index]
        story = source.story
        (t,) = translation_services.request_translations(
            session, actor=editor, story=story, langs=[lang]
        )
        translation_services.claim(session, actor=translator, translation=t)
        services.save_revision(
            session,
            actor=translator,
            translation=t,
            base_revision_id=None,
            text=TextInput(title, summary, body),
        )
        _drive(session, t, target, translator, editor)
    # One requested translation nobody has taken yet.
    translation_services.request_translations(
        session, actor=editor, story=sources[3].story, langs=["ur"]
    )
    # The English original of the cricket story gets a new paragraph and is republished:
    # its Urdu translation becomes outdated (its Sindhi one is still in review).
    cricket = sources[0]
    latest = cricket.latest_revision
    services.save_revision(
        session,
        actor=editor,
        translation=cricket,
        base_revision_id=latest.id,
        text=TextInput(
            latest.title,
            latest.summary,
            latest.body + "\n\nNext season, girls' teams from both streets will join.",
        ),
    )
    _act(session, editor, cricket, Action.SUBMIT)
    _act(session, second_editor, cricket, Action.APPROVE, checklist=frozenset(CHECKLIST))
    _act(session, editor, cricket, Action.PUBLISH)


# Published stories that fill the public home and lists: every organisation, more themes,
# regions and kinds. (language, writer e-mail, organisation, title, summary, body, themes,
# region, kind, byline, in the campaign)
MORE_PUBLISHED = (
    (
        "en",
        "editor@example.org",
        "dialogue-centre",
        "Students learn to disagree well",
        "A term of debates where every speaker first repeats the other side's point.",
        "Each week two students argue a question that divides their city.\n\n"
        "Before answering, each must say the other's argument in their own words, "
        "until the other agrees it is fair.",
        ("dialogue", "education"),
        "islamabad",
        "story",
        "organisation",
        True,
    ),
    (
        "en",
        "contributor2@example.org",
        "sukoon-women",
        "A peace circle in the market",
        "Shopkeepers and mothers meet every Thursday to settle quarrels before they grow.",
        "The circle began with three women and a kettle.\n\n"
        "Now traders from both sides of the market bring their disputes there first.",
        ("women", "peace"),
        "balochistan",
        "story",
        "named",
        False,
    ),
    (
        "en",
        "contributor@example.org",
        "amn-youth",
        "Posters: check before you share",
        "Five posters that help young people spot a rumour before it spreads.",
        "Each poster asks one question: who wrote this, when, and why now?\n\n"
        "Print them for a classroom, a library or a youth club.",
        ("media_literacy", "youth"),
        "khyber_pakhtunkhwa",
        "poster",
        "organisation",
        True,
    ),
    (
        "ur",
        "contributor@example.org",
        "amn-youth",
        "اسکول میں امن کا دن",
        "طلبہ نے اپنے محلے کے لیے امن کے پیغامات لکھے۔",
        "صبح سویرے بچوں نے رنگین کاغذوں پر دوستی کے پیغامات لکھے۔\n\n"
        "شام کو یہ پیغامات محلے کی دیواروں پر لگا دیے گئے۔",
        ("education", "peace"),
        "punjab",
        "story",
        "named",
        True,
    ),
    (
        "ur",
        "contributor2@example.org",
        "sukoon-women",
        "بزرگوں اور نوجوانوں کی بیٹھک",
        "ہر مہینے بزرگ اور نوجوان ایک ساتھ بیٹھ کر ایک دوسرے کی بات سنتے ہیں۔",
        "بیٹھک میں کوئی تقریر نہیں ہوتی، صرف سوال اور کہانیاں۔\n\n"
        "نوجوان کہتے ہیں کہ یہاں انہیں پہلی بار سنا گیا۔",
        ("community", "dialogue"),
        "sindh",
        "story",
        "anonymous",
        False,
    ),
)


def _load_more_published(session: Session, orgs: dict, campaign_id: int) -> None:
    editor = _user(session, "editor@example.org")
    second_editor = _user(session, "editor.ur@example.org")
    for row in MORE_PUBLISHED:
        lang, email, org, title, summary, body, themes, region, kind, byline, in_campaign = row
        author = _user(session, email)
        t = services.create_story(
            session,
            actor=author,
            data=StoryInput(
                title=title,
                summary=summary,
                body=body,
                source_language=lang,
                themes=themes,
                region=region,
                kind=kind,
                byline_mode=byline,
                campaign_id=campaign_id if in_campaign else None,
                organisation_id=orgs[org].id,
            ),
        )
        # Nobody approves their own text: the editor's own story goes to the second editor.
        approver = second_editor if author.id == editor.id else editor
        _drive(session, t, "published", author, approver)


ABOUT_PAGES = (
    (
        "en",
        "About the network",
        "Narratives Hub is shared by civil-society organisations across Pakistan that work "
        "against violent extremism and for peace, dialogue and social cohesion.\n\n"
        "## What you find here\n\n"
        "- Stories of people who chose dialogue over division\n"
        "- Campaign materials to download, print and share\n"
        "- Everything in the languages of Pakistan\n\n"
        "Every story is reviewed by an editor before it is published. People shown in a "
        "story have given their consent; some authors choose to stay anonymous.",
    ),
    (
        "ur",
        "نیٹ ورک کا تعارف",
        "نیریٹوز ہب پاکستان بھر کی سماجی تنظیموں کا مشترکہ پلیٹ فارم ہے جو پرتشدد انتہا "
        "پسندی کے خلاف اور امن، مکالمے اور سماجی ہم آہنگی کے لیے کام کرتی ہیں۔\n\n"
        "## یہاں کیا ملے گا\n\n"
        "- ان لوگوں کی کہانیاں جنہوں نے تقسیم کے بجائے مکالمہ چنا\n"
        "- مہم کا مواد جسے ڈاؤن لوڈ، پرنٹ اور شیئر کیا جا سکتا ہے\n"
        "- سب کچھ پاکستان کی زبانوں میں\n\n"
        "ہر کہانی شائع ہونے سے پہلے ایک مدیر دیکھتا ہے۔",
    ),
)


def _load_about(session: Session) -> None:
    admin = _user(session, "admin@example.org")
    for lang, title, body in ABOUT_PAGES:
        site_page_services.save_site_page(
            session, actor=admin, slug="about", lang=lang, title=title, body=body, base_version=None
        )


def _act(session, actor, t, action, **kwargs):
    return services.apply_action(
        session,
        actor=actor,
        translation=t,
        request=ActionInput(action=action, **kwargs),
        policy=DEFAULT_POLICY,
    )


def _drive(session, t, target, author, editor) -> None:
    if target == "draft":
        return
    _act(session, author, t, Action.SUBMIT)
    if target == "in_review":
        return
    if target == "changes_requested":
        _act(session, editor, t, Action.REQUEST_CHANGES, note="Please add where the circle meets.")
        return
    _act(session, editor, t, Action.APPROVE, checklist=frozenset(CHECKLIST))
    if target == "approved":
        return
    if target == "scheduled":
        _act(session, editor, t, Action.SCHEDULE, scheduled_at=utcnow() + timedelta(days=2))
        return
    _act(session, editor, t, Action.PUBLISH)
    if target == "unpublished":
        _act(session, editor, t, Action.UNPUBLISH, note="Waiting for a parent's consent.")
    elif target == "archived":
        _act(session, editor, t, Action.ARCHIVE)
