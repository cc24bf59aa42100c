"""Curated stop word lists for the search analyzers, one list per analyzer key, as data.

The words are written as people type them; `search.analysis` normalises every list with the
language's own pipeline when it loads it (so لئے and لیے both become لیے), which means a list
may hold spelling variants without harm. No public list is used unreviewed: urduhack's holds
content words, another holds امن itself (SEARCH.md, "Stop words"). English words inside any
field are removed with Whoosh's ``STOP_WORDS``, added by `search.analysis`.

Saraiki, Hindko, Balochi and Brahui have no list until a native speaker reviews one; BM25
down-weights frequent words anyway. A change here changes what is indexed: bump
``search.analysis.ANALYSIS_VERSION``.
"""

from __future__ import annotations

__all__ = ["STOP_WORDS_BY_KEY"]

# Derived by hand from the high-frequency head of urduhack's MIT list, dropping content words.
# Deliberately absent: ہم and آپ (compounds ہم آہنگی, ہم وطن), بے, نا, غیر (prefixes), اب, آج.
_URDU = """
کا کی کے کو سے میں نے پر تک ہے ہیں تھا تھی تھے تھیں ہو ہوں ہوا ہوئی ہوئے ہوتا ہوتی
ہوتے گا گی گے اور یا لیکن مگر کہ بھی ہی تو نہ یہ وہ اس ان جو جس جن جنہوں انہوں انہیں اسے
انہی لیے لئے ساتھ والا والی والے رہا رہی رہے گیا گئی گئے کر کیا کیے کئے کرتے کرنا و ایک
"""

# Curated from sindhinltk (Apache-2.0). ۾ and ۽ are symbols the tokenizer already drops.
_SINDHI = """
جو جي جا جون کي کان سان تي تان ته پر يا به ئي آهي آهن هئي هئا هو هي اهو اها اهي ان هن لاءِ
"""

_PASHTO = """
د په کې ته له څخه سره او چې هم یا خو دا هغه دی ده دي وو وي شو نه لپاره پر تر یې
"""

_PUNJABI = """
دا دی دے دیاں نوں تے وچ نال توں وی ہے نیں سی
"""

STOP_WORDS_BY_KEY: dict[str, tuple[str, ...]] = {
    "ur": tuple(_URDU.split()),
    "en": (),
    "pa_Arab": tuple(_PUNJABI.split()),
    "sd": tuple(_SINDHI.split()),
    "ps": tuple(_PASHTO.split()),
    "skr": (),
    "hno": (),
    "bal": (),
    "brh": (),
}
