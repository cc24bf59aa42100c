"""Synthetic peace-building text in English, Urdu, Sindhi and Pashto, for benchmarks and for
``hub demo --scale``: each language's own vocabulary with Zipf-distributed word frequencies,
realistic lengths, and the ways people really type Urdu (keyboard letter forms, diacritics,
tatweel). Written for this project, never copied; it names no real person.
"""

from __future__ import annotations

import itertools
import math
import random
import re
import unicodedata
from dataclasses import dataclass, field

ZIPF_S = 1.05

# --- vocabularies -------------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    return text.split()


# Written for this benchmark. Each language: function words first (they take the top Zipf ranks),
# then content words roughly in the order a peace-building corpus would use them, then places.

EN_FUNCTION = _words("""
the of and to in a is that for with on are was as by their they we our it this from at be have
has not who more all can will about when were his her she he them these those into after before
because also there how what which each other one two many every new said says had been its an or
but if so than only
""")

EN_CONTENT = _words("""
peace dialogue youth young tolerance community education school teacher teachers students girls
boys women men families elders neighbours village city district mosque church temple gurdwara
shrine faith interfaith religion religious respect trust understanding harmony cohesion unity
violence extremism extremist hatred hate speech conflict reconciliation justice rights dignity
freedom diversity pluralism culture cultural music poetry poet sport cricket football festival
workshop training trainer volunteers volunteer leaders leadership listen listened listens talk
talked talks meet meeting met learn learned learns teach taught run runs ran walk walked story
stories voice voices hope future love friendship brotherhood humanity compassion empathy patience
nonviolence citizens government police court journalist journalists media social online rumour
rumours misinformation news facts research book books library reading writing language languages
theatre drama film art artists painting mural playground university college campus debate circle
forum network campaign project programme mentor mentors skills jobs employment livelihood
resilience survivors victims healing memory memories grief safety security neighbour mediation
mediator jirga council panchayat prayer prayers eid ramadan diwali christmas holi guests
hospitality food tea children child mother father sister brother friend friends journey visit
gathering ceremony participation role responsibility disagreement opinion question answer truth
decision change progress prosperity poverty unemployment health hospital water flood earthquake
help relief service sacrifice courage determination dream light path destination homeland
pakistan pakistani nation national kindness forgiveness solidarity inclusion minority minorities
equality belonging identity generation wisdom heritage river mountains valley market bazaar
street classroom curriculum textbook exam scholarship internship seminar conference radio podcast
video poster toolkit infographic sharing shared cooperation
""")

EN_PLACES = _words("""
Lahore Karachi Peshawar Quetta Islamabad Hyderabad Sukkur Larkana Multan Swat Mardan Gilgit Skardu
Muzaffarabad Thar Chitral Bannu Kohat Abbottabad Faisalabad Rawalpindi Indus Sindh Punjab
Balochistan Khyber
""")

# English inflections that are NOT in the corpus: found only through Porter2 stemming.
EN_STEM_QUERIES = _words("""
running communities listening talking volunteering educated meetings youths tolerating teaching
festivals workshops
""")

UR_FUNCTION = _words("""
کا کی کے کو سے میں نے پر تک ہے ہیں تھا تھی تھے ہو ہوا ہوئی ہوتا ہوتی اور یا لیکن مگر کہ بھی ہی
تو نہ یہ وہ اس ان جو جس ایک ساتھ لیے کر کیا گیا گئی گئے رہے رہی والے والی اپنے اپنی ہم آپ سب
بہت کچھ جب اب آج پھر کیونکہ
""")

UR_CONTENT = _words("""
امن مکالمہ نوجوان نوجوانوں برداشت رواداری معاشرہ معاشرے برادری تعلیم تعلیمی اسکول اسکولوں استاد
اساتذہ طلبہ طالبات لڑکیاں لڑکیوں لڑکے خواتین مرد والدین خاندان بزرگ بزرگوں پڑوسی محلہ محلے گاؤں
شہر ضلع صوبہ مسجد گرجا مندر گوردوارہ مزار مذہب مذہبی مذاہب عقیدہ عقائد احترام اعتماد آہنگی اتحاد
یکجہتی تشدد انتہا پسندی نفرت نفرتوں تنازع تنازعات مفاہمت انصاف حقوق وقار آزادی تنوع ثقافت ثقافتی
موسیقی شاعری شاعر کھیل کھیلوں کرکٹ فٹبال میلہ میلے ورکشاپ تربیت تربیتی رضاکار رضاکاروں قیادت
رہنما سننا سنا بات چیت گفتگو سیکھنا سیکھا سکھانا کہانی کہانیاں کہانیوں آواز آوازیں امید مستقبل
محبت دوستی بھائی چارہ انسانیت ہمدردی صبر عدم شہری شہریوں حکومت پولیس عدالت صحافی صحافت میڈیا
سوشل افواہ افواہیں جھوٹی خبریں خبر حقائق تحقیق کتاب کتابیں لائبریری مطالعہ زبان زبانیں تھیٹر
ڈرامہ فلم فن فنکار مصوری دیوار میدان یونیورسٹی کالج مباحثہ حلقہ فورم نیٹ ورک مہم منصوبہ پروگرام
رہنمائی ہنر روزگار ملازمت متاثرین زخم یادیں غم تحفظ سلامتی ثالثی جرگہ کونسل پنچایت دعا دعاؤں
عید رمضان دیوالی کرسمس ہولی مہمان نوازی کھانا چائے بچے بچوں بچیاں ماں باپ بہن بھائیوں دوست
ہمسایہ سفر ملاقات ملاقاتیں اجلاس تقریب تقریبات شرکت کردار ذمہ داری اختلاف اختلافات رائے سوال جواب
سچ جھوٹ فیصلہ تبدیلی ترقی خوشحالی غربت صحت ہسپتال پانی سیلاب زلزلہ مدد امداد خدمت قربانی حوصلہ
ہمت عزم خواب روشنی راستہ منزل وطن پاکستان پاکستانی قوم قومی معافی مساوات اقلیت اقلیتوں شناخت
نسل حکمت ورثہ دریا پہاڑ وادی بازار گلی نصاب امتحان وظیفہ ریڈیو ویڈیو پوسٹر تعاون یقین سمجھ
""")

UR_PLACES = _words("""
لاہور کراچی پشاور کوئٹہ اسلام آباد حیدرآباد ملتان سوات گلگت مظفرآباد فیصل راولپنڈی سکھر تھر چترال
""")

# English words in Urdu text ("mixed" documents): what Urdu writers really leave in English.
UR_LOANS = _words("""
social media online workshop training youth project team event session peace dialogue WhatsApp
Facebook volunteers school college campus debate podcast video community network fact check
""")

SD_FUNCTION = _words("""
جو جي جا جون کي کان سان تي تان ته پر يا به ئي آهي آهن هئي هئا هو هي اهو اها اهي ان هن ۽ ۾ ويو
وئي ڪيو ڪري ٿيو ٿي ٿا ٿيندو پنهنجي اسان توهان سڀ گهڻو ڪجهه جڏهن هاڻي اڄ وري ڇاڪاڻ
""")

SD_CONTENT = _words("""
امن ڳالهه ٻولهه ڳالهين نوجوان نوجوانن برداشت رواداري سماج سماجي برادري تعليم تعليمي اسڪول اسڪولن
استاد استادن شاگرد شاگردن ڇوڪريون ڇوڪرين ڇوڪرا عورتون عورتن مرد والدين خاندان ٻار ٻارن بزرگ
پاڙيسري پاڙو ڳوٺ ڳوٺن شهر ضلعو صوبو مسجد مندر درگاهه مذهب مذهبي عقيدو عزت احترام ڀروسو اعتماد
ڀائيچارو هم آهنگي اتحاد تشدد انتها پسندي نفرت تڪرار تڪرارن صلح انصاف حق حقن وقار آزادي تنوع ثقافت
ثقافتي موسيقي شاعري شاعر راند راندين ڪرڪيٽ فٽبال ميلو ميلا ورڪشاپ تربيت رضاڪار رضاڪارن اڳواڻ
اڳواڻي ٻڌڻ ٻڌو سکڻ سکيو سيکارڻ ڪهاڻي ڪهاڻيون آواز اميد مستقبل محبت پيار دوستي انسانيت همدردي صبر
شهري حڪومت پوليس عدالت صحافي ميڊيا سوشل افواهه ڪوڙيون خبرون خبر سچ ڪوڙ حقيقتون تحقيق ڪتاب ڪتابن
لائبريري مطالعو ٻولي ٻوليون ٿيٽر ڊرامو فلم فن فنڪار يونيورسٽي ڪاليج بحث مهم منصوبو پروگرام رهنمائي
هنر روزگار نوڪري متاثر ياد ڏک ڏکيو خوشي سلامتي ثالثي جرڳو پنچائت دعا عيد رمضان مهمان مهمانن ماني
چانهه ڀيڻ ڀاءُ دوست سفر ملاقات گڏجاڻي گڏجاڻيون تقريب شرڪت ڪردار ذميواري اختلاف راءِ سوال جواب
فيصلو تبديلي ترقي خوشحالي غربت بيروزگاري صحت اسپتال پاڻي ٻوڏ زلزلو مدد خدمت همت حوصلو خواب روشني
رستو منزل وطن پاڪستان سنڌي سنڌو درياهه ڄاڻ ڄاڻڻ ڏينهن ڏسڻ ڏٺو ڏنو ڏيڻ ٻيو ٻيا ٻن ڪم ڪرڻ گڏ سڀني
نئون نئين سٺو سهڻو زندگي دنيا انسان ماڻهو ماڻهن
""")

SD_PLACES = _words("""
سنڌ ڪراچي حيدرآباد سکر لاڙڪاڻو ٿر ميرپورخاص دادو بدين ٺٽو نوابشاهه
""")

PS_FUNCTION = _words("""
د په کې ته له څخه سره او چې هم یا خو دا هغه دی ده دي وو وي شو نه لپاره پر تر یې دې ټول ډېر کوم
کله اوس بيا ځکه خپل موږ تاسو يو دوه
""")

PS_CONTENT = _words("""
سوله سولې خبرې اترې ځوان ځوانان ځوانانو زغم تحمل ټولنه ټولنې ټولنيز زده کړه ښوونه ښوونځی ښوونځي
ښوونکی ښوونکي کوونکي نجونې هلکان ښځې سړي مېندې پلرونه کورنۍ مشران ګاونډيان ګاونډي کلی کليو ښار
ولسوالۍ ولايت جومات کليسا مندر زيارت مذهب مذهبي دين عقيده درناوی باور يووالی تاوتريخوالی افراطيت
کرکه شخړه شخړې روغه جوړه عدالت انصاف حقونه عزت آزادي تنوع کلتور کلتوري موسيقي شعر شاعر لوبې
لوبغالی کرکټ فوټبال ميله ورکشاپ روزنه رضاکاران رضاکار مشري مشر اورېدل ښودل کيسه کيسې غږ هيله
راتلونکی مينه ملګرتيا ورورولي انسانيت خواخوږي صبر حکومت پوليس محکمه خبريال رسنۍ ټولنيزې آوازې
دروغ رښتيا خبر خبرونه حقيقتونه څېړنه کتاب کتابونه کتابتون مطالعه ژبه ژبې تياتر ډرامه فلم هنر
هنرمند پوهنتون پوهنځی بحث کمپاين پروژه پروګرام لارښوونه مهارت روزګار دنده قربانيان ټپونه يادونه
غم امنيت مرکه جرګه شورا دعا اختر روژه مېلمه مېلمانه ډوډۍ چای ماشومان ماشوم مور پلار خور ورور
ملګری ملګري سفر ليدنه غونډه غونډې محفل ګډون رول مسؤليت اختلاف نظر پوښتنه ځواب پرېکړه بدلون
پرمختګ هوسايي غربت بېکاري روغتيا روغتون اوبه سېلاب زلزله مرسته خدمت همت هوډ خوب رڼا لاره منزل
وطن هېواد پاکستان پښتو پښتون پښتانه ژوند ليکل لوستل پوهه ګډ ګډه نوی نوې ښه ښکلی ورځ ورځې کال
کلونه ځای ځمکه خلک خلکو نړۍ انسان زړه
""")

PS_PLACES = _words("""
خيبر پښتونخوا پېښور سوات مردان کوټه بنو کوهاټ چترال دير باجوړ
""")

# Letters a language's words must not contain (a check on the vocabularies above): Urdu has no
# Arabic ي ك ه or Sindhi ڪ; Sindhi writes ي ڪ ه (ک is kh there); Pashto writes ک ه ګ ټ ډ ړ.
FORBIDDEN = {
    "ur": "يكهڪګټډړېۍ",
    "sd": "یكہھ",
    "ps": "كڪہھگٹڈڑے",
}

# How the same words arrive from other keyboards: Arabic-keyboard forms in Urdu (ي ك ه),
# Urdu-keyboard forms in Sindhi and Pashto. Each analyzer folds these (SEARCH.md).
KEYBOARD_FORMS = {
    "ur": str.maketrans({"ی": "ي", "ک": "ك", "ہ": "ه"}),
    "sd": str.maketrans({"ي": "ی", "ڪ": "ك", "ه": "ہ"}),
    "ps": str.maketrans({"ک": "ك", "ه": "ہ", "ګ": "گ"}),
}
HARAKAT = ("\u064e", "\u064f", "\u0650", "\u0651", "\u0652")  # zabar, pesh, zer, shadda, sukun
TATWEEL = "\u0640"
# Letters that do not join to the next one: a tatweel after them would be a typo, not a style.
NON_JOINING = set("اآأإٱدڈذرڑزژوؤےۓڊڍڌڏڙډړږۀةۃءٔ")

ORGANISATIONS = (
    ("amn-youth", "Amn Youth Network"),
    ("sindh-dialogue", "Sindh Dialogue Forum"),
    ("pakhtun-peace", "Pakhtun Peace Jirga"),
    ("interfaith-lahore", "Interfaith Harmony Lahore"),
    ("media-literacy-lab", "Media Literacy Lab"),
    ("women-voices", "Women Voices Collective"),
)
CAMPAIGNS = (
    ("youth-peace-week", "Youth Peace Week"),
    ("harmony-month", "Interfaith Harmony Month"),
    ("fact-check-first", "Fact-check First"),
    ("sixteen-days", "Sixteen Days of Activism"),
)
KINDS = (
    ("story", 55),
    ("social_post", 12),
    ("poster", 8),
    ("video", 8),
    ("infographic", 6),
    ("toolkit", 6),
    ("audio", 5),
)
# Source languages of the corpus; "mixed" is Urdu text with English words in it.
LANGUAGE_SHARE = (("en", 30), ("ur", 30), ("mixed", 10), ("sd", 15), ("ps", 15))
TRANSLATED_SHARE = 0.08  # stories that carry a second translation


# --- text generation ----------------------------------------------------------------------------


@dataclass
class Vocabulary:
    code: str
    function: list[str]
    content: list[str]
    places: list[str]
    sentence_end: str
    comma: str
    words: list[str] = field(init=False)
    cum: list[float] = field(init=False)
    topical: list[str] = field(init=False)

    def __post_init__(self):
        self.topical = self.content + self.places
        self.words = self.function + self.topical
        weights = [1.0 / (rank + 2.7) ** ZIPF_S for rank in range(len(self.words))]
        self.cum = list(itertools.accumulate(weights))


VOCABULARIES = {
    "en": Vocabulary("en", EN_FUNCTION, EN_CONTENT, EN_PLACES, ".", ","),
    "ur": Vocabulary("ur", UR_FUNCTION, UR_CONTENT, UR_PLACES, "۔", "،"),
    "sd": Vocabulary("sd", SD_FUNCTION, SD_CONTENT, SD_PLACES, "۔", "،"),
    "ps": Vocabulary("ps", PS_FUNCTION, PS_CONTENT, PS_PLACES, ".", "،"),
}


def check_vocabularies() -> None:
    """Every Arabic-script word is in its language's own letters (fail loudly otherwise)."""
    problems = []
    for code, bad in FORBIDDEN.items():
        v = VOCABULARIES[code]
        for word in v.words:
            wrong = sorted(set(word) & set(bad))
            if wrong:
                problems.append(f"{code}: {word} has {' '.join(wrong)}")
    for code, v in VOCABULARIES.items():
        if len(set(v.words)) < 200:
            problems.append(f"{code}: only {len(set(v.words))} distinct words")
    if problems:
        raise SystemExit("vocabulary problems:\n  " + "\n  ".join(problems))


def add_marks(word: str, rng: random.Random) -> str:
    """The word with a haraka (zabar, zer, pesh, shadda, sukun) after one of its letters."""
    letters = [i for i, ch in enumerate(word) if unicodedata.category(ch) == "Lo"]
    if not letters:
        return word
    i = rng.choice(letters)
    return word[: i + 1] + rng.choice(HARAKAT) + word[i + 1 :]


def add_tatweel(word: str, rng: random.Random) -> str:
    """The word stretched with a tatweel between two joined letters (if it has any)."""
    places = [
        i
        for i in range(len(word) - 1)
        if unicodedata.category(word[i]) == "Lo"
        and word[i] not in NON_JOINING
        and unicodedata.category(word[i + 1]) == "Lo"
    ]
    if not places:
        return word
    i = rng.choice(places)
    return word[: i + 1] + TATWEEL * rng.randint(1, 3) + word[i + 1 :]


_WORD_RE = re.compile(r"[^\s#\-،۔.,]+")


@dataclass
class DocStyle:
    keyboard: bool = False  # Arabic-keyboard (or Urdu-keyboard) letter forms throughout
    marks: bool = False  # some words with diacritics
    tatweel: bool = False  # some words stretched with tatweel


class Writer:
    """Writes titles, summaries and Markdown bodies in one language, with a topic per story."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def _tokens(self, v: Vocabulary, n: int, topic: list[str], loans: list[str] | None):
        rng = self.rng
        words = rng.choices(v.words, cum_weights=v.cum, k=n)
        rand = rng.random
        for i in range(n):
            x = rand()
            if x < 0.07:
                words[i] = rng.choice(topic)  # bursty: a story keeps returning to its subject
            elif loans is not None and x < 0.19:
                words[i] = rng.choice(loans)
        return words

    def _sentences(self, v: Vocabulary, words: list[str]) -> list[str]:
        rng, out, i = self.rng, [], 0
        while i < len(words):
            n = rng.randint(6, 18)
            chunk = words[i : i + n]
            i += n
            if len(chunk) > 8 and rng.random() < 0.35:
                chunk[len(chunk) // 2] += v.comma
            if v.code == "en":
                chunk[0] = chunk[0][:1].upper() + chunk[0][1:]
            out.append(" ".join(chunk) + v.sentence_end)
        return out

    def title(self, v, topic, loans) -> str:
        n = self.rng.randint(4, 12)
        words = self._tokens(v, n, topic, loans)
        # A title names its subject: make at least half of its words topical.
        for i in range(0, n, 2):
            words[i] = self.rng.choice(topic if self.rng.random() < 0.5 else v.topical)
        text = " ".join(words)
        return text[:1].upper() + text[1:] if v.code == "en" else text

    def summary(self, v, topic, loans) -> str:
        return " ".join(self._sentences(v, self._tokens(v, self.rng.randint(15, 40), topic, loans)))

    def body(self, v, topic, loans) -> tuple[str, int]:
        rng = self.rng
        # Log-uniform between 150 and 1,500 words: many short pieces, some long ones.
        n = round(math.exp(rng.uniform(math.log(150), math.log(1500))))
        sentences = self._sentences(v, self._tokens(v, n, topic, loans))
        paragraphs, i = [], 0
        headings = rng.random() < 0.2
        while i < len(sentences):
            k = rng.randint(2, 6)
            para = " ".join(sentences[i : i + k])
            i += k
            if headings and paragraphs and rng.random() < 0.25:
                paragraphs.append("## " + " ".join(rng.sample(topic, min(3, len(topic)))))
            if rng.random() < 0.06:
                items = [" ".join(self._tokens(v, rng.randint(3, 7), topic, loans))]
                items += [" ".join(self._tokens(v, rng.randint(3, 7), topic, loans))]
                paragraphs.append("\n".join("- " + item for item in items))
            paragraphs.append(para)
        return "\n\n".join(paragraphs), n

    def styled(self, text: str, code: str, style: DocStyle) -> str:
        if code == "en":
            return text
        rng = self.rng
        if style.marks or style.tatweel:

            def touch(m: re.Match) -> str:
                word = m.group(0)
                if style.marks and rng.random() < 0.12:
                    word = add_marks(word, rng)
                if style.tatweel and rng.random() < 0.06:
                    word = add_tatweel(word, rng)
                return word

            text = _WORD_RE.sub(touch, text)
        if style.keyboard:
            text = text.translate(KEYBOARD_FORMS[code])
        return text
