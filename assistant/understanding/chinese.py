"""Chinese messages, read by the same understanding as English ones.

The assistant's understanding (intents, entities, negation, the flows' rules) reads English. A
message in Chinese, or in Chinese mixed with English ("我的order到哪了", "SD-100003 发货了吗"), is
read through its **reading** (`reading()`): the message with every Chinese word of the shop's
domain replaced by its English counterpart, and numbers, sizes, colours and dates in the forms the
entity rules know ("两件" → "2 pieces", "L码" → "size L", "大一号" → "one size up", "八月份" →
"August"). Latin text (order numbers, emails, product names, addresses) is kept exactly.

Why a reading rather than a second understanding: every rule the flows apply (which order, which
item, what detail to change, negation, injection, identity) then holds for Chinese customers too,
with one code path to test, and the intent classifier learns the Chinese training data
(`data/intents_zh.jsonl`) through the same reading (`intents._preprocess`), together with the
characters the lexicon doesn't cover (its character n-grams read those).

The lexicon is general customer-service and shop vocabulary, not any shop's phrases; product
words are generic nouns ("夹克" → "jacket"), matched against whatever catalogue the shop imported.
Segmentation is longest match over the lexicon; a Chinese character the lexicon doesn't know is
kept as it is.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path

# A character of the CJK ideograph blocks (and the compatibility block NFKC leaves).
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def han_count(text: str) -> int:
    return len(_HAN.findall(text))


def is_chinese(text: str) -> bool:
    """Whether a message is (mostly or partly) Chinese: two Chinese characters or more, or one
    when the message has no English word ("好", "对")."""
    n = han_count(text)
    return n >= 2 or (n == 1 and not _LATIN_WORD.search(text))


def message_language(text: str) -> str | None:
    """The language a customer wrote in: "zh-Hans" for Chinese, "en" for a message of three
    English words or more with no Chinese (emails, order numbers and names aside), None when it
    can't tell ("ok", "SD-100003", "alice@example.com", "Alice Martin 98101")."""
    if is_chinese(text):
        return "zh-Hans"
    if len(_LATIN_WORD.findall(_VALUES.sub(" ", text))) >= 3:
        return "en"
    return None


# Values that read the same in any language: order, RMA and tracking numbers, emails, links,
# amounts, and capitalised names (products, carriers), which a Chinese reply quotes as they are.
_VALUES = re.compile(
    r"https?://\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\b[A-Z]{2,}-?\d+\b|[A-Z]{0,3}\$?\d[\d,.:]*|"
    r"\b[A-Z][\w'&-]*(?:\s+[A-Z0-9][\w'&-]*)*"
)


def reply_language(text: str) -> str:
    """The language a reply is written in: "zh-Hans" when, leaving aside the values it quotes,
    it has at least as many Chinese characters as English words; else "en"."""
    rest = _VALUES.sub(" ", text)
    han = han_count(rest)
    words = len(_LATIN_WORD.findall(rest))
    return "zh-Hans" if han >= 2 and han >= words else "en"


# --- the lexicon -------------------------------------------------------------------------------
# Longest match wins, so "不取消" is read before "取消", "发货" before "发". The English side is
# what the English rules and the classifier read; spacing is added around every entry.

LEXICON_FILE = Path(__file__).resolve().parent / "data" / "zh_lexicon.tsv"


def _lexicon_load(path: Path) -> dict[str, str]:
    """The lexicon file: "中文<TAB>english" a line ("-" for words read as nothing), "#" comments."""
    lexicon: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        chinese, sep, english = line.partition("\t")
        if not sep or not chinese.strip():
            raise ValueError(f"{path}, line {number}: expected Chinese, a tab, then English")
        lexicon[chinese.strip()] = "" if english.strip() == "-" else english.strip()
    return lexicon


_LEXICON = _lexicon_load(LEXICON_FILE)

# Months written with digits ("8月", "8月份") and days ("3号", "3日").
_MONTH_NAMES = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
]  # fmt: skip
_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "俩": 2, "三": 3, "四": 4, "五": 5,
           "六": 6, "七": 7, "八": 8, "九": 9}  # fmt: skip
_NUMERAL = r"[零〇一二两俩三四五六七八九十百千]+"
_MEASURE = r"(?:件|个|条|双|套|台|把|盒|瓶|只|包|顶|副|支|份|张|块)"


def chinese_number(text: str) -> int | None:
    """ "三" → 3, "十二" → 12, "二十五" → 25, "两" → 2, "一百" → 100; None for anything else."""
    if not text or not re.fullmatch(_NUMERAL, text):
        return None
    if "千" in text:
        head, _, tail = text.partition("千")
        thousands = _DIGITS.get(head, 1) if head else 1
        rest = chinese_number(tail.lstrip("零〇")) if tail else 0
        return None if rest is None else thousands * 1000 + rest
    if "百" in text:
        head, _, tail = text.partition("百")
        hundreds = _DIGITS.get(head, 1) if head else 1
        rest = chinese_number(tail.lstrip("零〇")) if tail else 0
        return None if rest is None else hundreds * 100 + rest
    if "十" in text:
        head, _, tail = text.partition("十")
        tens = _DIGITS.get(head) if head else 1
        ones = _DIGITS.get(tail) if tail else 0
        return None if tens is None or ones is None else tens * 10 + ones
    if len(text) == 1:
        return _DIGITS.get(text)
    return None


# A reply that opens with a bare yes ("可以，取消吧", "行。", "好的"): read as "yes", which the
# confirmation rules know; "可以退货吗" (can I return) keeps its "can".
_YES_FIRST = re.compile(
    r"^\s*(?:可以的?|行的?|好的?|好啊|好呀|没问题|确认|确定|是的|对的?|嗯+)(?=[，,。.!！\s]|$)"
)
_SO_FIRST = re.compile(r"^\s*那(?![个件条些双款单里边种样么时])")
# Amounts: "150美元以内" → "under $150", "50刀以上" → "over $50", "30块" → "$30".
_CURRENCY = r"(?:美元|美金|刀|块钱|块|元|usd|USD|\$)"
_AMOUNT_ZH = r"(\d+(?:\.\d{1,2})?)"


def _amounts(text: str) -> str:
    # "一百块以内", "五十刀以上": Chinese numerals of an amount become digits first.
    text = re.sub(
        rf"({_NUMERAL})(?=\s*(?:{_CURRENCY}|以内|以下|之内|以上))",
        lambda m: str(n) if (n := chinese_number(m.group(1))) is not None else m.group(1),
        text,
    )
    text = re.sub(rf"{_AMOUNT_ZH}\s*{_CURRENCY}?\s*(?:以内|以下|之内|内)", r" under $\1 ", text)
    text = re.sub(rf"(?:不超过|不到|低于|少于){_AMOUNT_ZH}\s*{_CURRENCY}?", r" under $\1 ", text)
    text = re.sub(rf"{_AMOUNT_ZH}\s*{_CURRENCY}?\s*以上", r" over $\1 ", text)
    text = re.sub(rf"(?:超过|高于|多于){_AMOUNT_ZH}\s*{_CURRENCY}?", r" over $\1 ", text)
    return re.sub(rf"(?<![\w$.]){_AMOUNT_ZH}\s*(?:美元|美金|刀|块钱|块)", r" $\1 ", text)


_TIME_UNIT = re.compile(r"(?:天|周|星期|礼拜|月|小时|钟头|工作日|年)")


_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth")


def _numbers(text: str) -> str:
    # "两件" → " 2 pieces ", "3个" → " 3 pieces ", "一双" → " 1 pair "
    def quantity(m: re.Match[str]) -> str:
        raw = m.group(1)
        n = int(raw) if raw.isdigit() else chinese_number(raw)
        if not n:
            return m.group(0)  # "零件" is parts, and no one asks for none of a thing
        if m.group(2) == "个" and _TIME_UNIT.match(m.string, m.end()):
            return f" {n} "  # "一个礼拜", "两个月": a length of time, not pieces
        unit = "pairs" if m.group(2) in ("双", "副") else "pieces"
        return f" {n} {unit} "

    # "第一个", "第二单", "最后一个": a place in a list the assistant showed, not a quantity.
    def ordinal(m: re.Match[str]) -> str:
        raw = m.group(1)
        n = int(raw) if raw.isdigit() else chinese_number(raw)
        if n is None or n < 1:
            return m.group(0)
        place = _ORDINALS[n - 1] if n <= len(_ORDINALS) else f"{n}th"
        noun = {"单": "order", "次": "time", "回": "time"}.get(m.group(2), "one")
        return f" the {place} {noun} "

    text = re.sub(rf"第\s*(\d{{1,2}}|{_NUMERAL})\s*(个|单|笔|件|条|款|次|回)", ordinal, text)
    text = re.sub(r"最后(?:一)?(?:个|单|笔|件|款)", " the last one ", text)
    text = re.sub(rf"(\d{{1,3}}|{_NUMERAL}){'(' + _MEASURE + ')'}", quantity, text)

    # "8月份", "八月", "8月3号", "三月五日"
    def month(m: re.Match[str]) -> str:
        raw = m.group(1)
        n = int(raw) if raw.isdigit() else chinese_number(raw)
        if n is None or not 1 <= n <= 12:
            return m.group(0)
        out = f" {_MONTH_NAMES[n - 1]} "
        if m.group(2):
            d = int(m.group(2)) if m.group(2).isdigit() else chinese_number(m.group(2))
            if d is not None and 1 <= d <= 31:
                out = f" {_MONTH_NAMES[n - 1]} {d} "
        return out

    text = re.sub(rf"(\d{{1,2}}|{_NUMERAL})月份?(?:(\d{{1,2}}|{_NUMERAL})[号日])?", month, text)
    # sizes: "L码", "XL号", "38码", "9号鞋", "M的"
    text = re.sub(
        r"(?<![A-Za-z])(XXS|XS|XXXL|XXL|XL|[23]XL|S|M|L)\s*(?:码|号)",
        lambda m: f" size {m.group(1).upper()} ",
        text,
        flags=re.I,
    )
    text = re.sub(r"(?<![\d.])(\d{1,2}(?:\.5)?)\s*(?:码|号(?=鞋|的|吧|吗|$|\s|[，,。.!?！？]))",
                  r" size \1 ", text)  # fmt: skip
    # "三天" → "3 days", "两周" → "2 weeks", "五个工作日" → "5 business days"
    text = re.sub(
        rf"({_NUMERAL})(?=(?:个)?(?:天|周|星期|礼拜|月|小时|钟头|工作日|年))",
        lambda m: f" {chinese_number(m.group(1)) or m.group(1)} ",
        text,
    )
    return text


# Names this lexicon and its rules, for the keys of cached embeddings and classifiers: a changed
# reading gets fresh ones.
VERSION = hashlib.sha256(LEXICON_FILE.read_bytes() + Path(__file__).read_bytes()).hexdigest()[:12]

_KEYS_BY_FIRST: dict[str, list[str]] = {}
for _key in sorted(_LEXICON, key=len, reverse=True):
    _KEYS_BY_FIRST.setdefault(_key[0], []).append(_key)

_PUNCTUATION = str.maketrans(
    {
        "。": ". ", "、": ", ", "，": ", ", "！": "! ", "？": "? ", "：": ": ", "；": "; ",
        "（": " (", "）": ") ", "【": " [", "】": "] ", "「": ' "', "」": '" ', "“": ' "',
        "”": '" ', "～": " ", "~": " ", "…": " ",
    }
)  # fmt: skip


@lru_cache(maxsize=4096)
def reading(text: str) -> str:
    """The English reading of a message (unchanged when it has no Chinese). Idempotent: the
    reading of a reading is itself."""
    if not _HAN.search(text):
        return text
    text = re.sub(r"[Tt]恤", " tee ", text.translate(_PUNCTUATION))
    text = _YES_FIRST.sub("yes ", text)
    # "那它现在…", "那SD-100006呢": an opening 那 is "so, then", not "that".
    text = _SO_FIRST.sub("so ", text)
    # "Ivory色": a colour named in English, with the Chinese word for colour after it.
    text = re.sub(r"(?<=[A-Za-z])\s*(?:色|颜色)(?![\u4e00-\u9fff])", " ", text)
    text = _numbers(_amounts(text))
    out: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if not _HAN.match(ch):
            j = i
            while j < len(text) and not _HAN.match(text[j]):
                j += 1
            out.append(text[i:j])
            i = j
            continue
        for key in _KEYS_BY_FIRST.get(ch, ()):
            if text.startswith(key, i):
                english = _LEXICON[key]
                out.append(f" {english} " if english else " ")
                i += len(key)
                break
        else:
            out.append(ch)  # unknown: kept, for the classifier's character n-grams
            i += 1
    joined = "".join(out)
    joined = re.sub(r"\s+([?.!,;:])", r"\1", joined)
    return re.sub(r"\s{2,}", " ", joined).strip()


# --- addresses ---------------------------------------------------------------------------------
# A mainland address is written from the largest unit down: [中国] province, city, district,
# street and number, building and room, with a six-digit 邮编: "广东省深圳市南山区科技园南路88号
# 2栋301室，邮编518057", "北京市朝阳区建国路88号A座1201 100022". The four municipalities are a
# province and a city at once.

_PROVINCES = (
    "北京|天津|上海|重庆|河北|山西|辽宁|吉林|黑龙江|江苏|浙江|安徽|福建|江西|山东|河南|湖北|湖南|"
    "广东|海南|四川|贵州|云南|陕西|甘肃|青海|台湾|内蒙古|广西|西藏|宁夏|新疆|香港|澳门"
)
_MUNICIPALITIES = ("北京", "天津", "上海", "重庆")
_HAN_RUN = r"[\u4e00-\u9fff]"
_ZH_ADDRESS = re.compile(
    r"(?:中国|中华人民共和国)?\s*"
    rf"(?:(?P<province>{_PROVINCES})(?:省|市|壮族自治区|回族自治区|维吾尔自治区|自治区|"
    r"特别行政区)?\s*)?"
    rf"(?P<city>{_HAN_RUN}{{2,4}}?(?:市|自治州|州|盟|地区))?\s*"
    rf"(?P<line1>{_HAN_RUN}{{1,12}}?(?:区|县|旗|镇|乡)?{_HAN_RUN}*?[^\s，,。；;:：]*?\d+"
    r"[^，,。；;\n]*?)"
    r"[\s，,。；;]*(?:邮编|邮政编码)?[\s:：]*(?P<zip>(?<!\d)\d{6}(?!\d))"
)
# Words that lead into an address ("地址改成", "寄到", "新地址是") and are not part of it.
_ADDRESS_LEAD = re.compile(
    r"^.*?(?:(?:收货|送货|配送|新的?|我的)?地址(?:是|为|改成|改为|换成|改到|写)?|寄到|送到|发到|"
    r"改成|改为|换成|改到)[\s:：]*"
)


def address(text: str) -> dict[str, str] | None:
    """The mainland Chinese address in a message, as the address fields store it (line1, city,
    region, postal_code, country "CN"), or None. It needs a city or a province, a house number
    and a six-digit postal code; what it cannot place it leaves out rather than guesses."""
    if not _HAN.search(text):
        return None
    text = text.translate(str.maketrans("０１２３４５６７８９，：；", "0123456789,:;"))
    lead = _ADDRESS_LEAD.match(text)
    for body in (text[lead.end() :], text) if lead else (text,):
        found = _address_in(body)
        if found is not None:
            return found
    return None


def _address_in(body: str) -> dict[str, str] | None:
    for m in _ZH_ADDRESS.finditer(body):
        province, city = m.group("province"), m.group("city")
        if not province and not city:
            continue
        if province in _MUNICIPALITIES and not city:
            city = f"{province}市"
        if not city:
            continue
        line1 = m.group("line1").strip()
        if not re.search(r"\d", line1) or len(line1) < 4:
            continue
        region = ""
        if province and province not in _MUNICIPALITIES:
            # The province with its suffix: "广东省", "广西壮族自治区".
            region = body[m.start("province") : m.start("city")].strip()
        return {
            "line1": line1[:200],
            "city": city,
            "region": region,
            "postal_code": m.group("zip"),
            "country": "CN",
        }
    return None
