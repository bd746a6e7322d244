"""The system profile's enumerated values: regions, users, modalities, roles and sectors, in English and Korean.

``init`` and ``classify`` take what a user types (``한국``, ``학생``, ``Students``, ``eu``) and turn
it into the value conditions test (``KR``, ``students``, ``EU``); an unknown value is refused with
a "did you mean", never dropped silently. ``validate`` warns (W403) about profile values in an
audit file that no condition can match.
"""

from __future__ import annotations

import unicodedata

from ..diagnostics import UsageError
from ..i18n import Msg

#: ISO 3166-1 alpha-2 codes, plus the groups conditions use.
_ISO_CODES = (
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY "
    "BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK "
    "FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR "
    "IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK "
    "ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM "
    "PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF "
    "TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW "
)
_ISO = _ISO_CODES.split()
REGIONS = tuple(_ISO) + ("EU", "EEA", "GLOBAL", "EL")  # EL: the EU's code for Greece

VALUES: dict[str, tuple[str, ...]] = {
    "regions": REGIONS,
    "users": (
        "consumers",
        "employees",
        "students",
        "minors",
        "professionals",
        "patients",
        "businesses",
        "public",
        "researchers",
        "developers",
    ),
    "modalities": ("text", "image", "audio", "video", "code", "music", "voice"),
    "role": ("provider", "deployer", "provider-deployer", "importer", "distributor"),
    "sectors": (
        "education",
        "healthcare",
        "search",
        "code",
        "creative-media",
        "customer-service",
        "finance",
        "employment",
        "public-sector",
        "other",
    ),
}

#: What people type → the value (keys compared after :func:`_key`).
ALIASES: dict[str, dict[str, str]] = {
    "regions": {
        "한국": "KR",
        "대한민국": "KR",
        "korea": "KR",
        "south korea": "KR",
        "republic of korea": "KR",
        "kor": "KR",
        "유럽": "EU",
        "유럽연합": "EU",
        "europe": "EU",
        "european union": "EU",
        "미국": "US",
        "usa": "US",
        "united states": "US",
        "일본": "JP",
        "japan": "JP",
        "중국": "CN",
        "china": "CN",
        "영국": "GB",
        "uk": "GB",
        "united kingdom": "GB",
        "전세계": "GLOBAL",
        "전 세계": "GLOBAL",
        "글로벌": "GLOBAL",
        "global": "GLOBAL",
        "worldwide": "GLOBAL",
        "world": "GLOBAL",
    },
    "users": {
        "소비자": "consumers",
        "일반 이용자": "consumers",
        "이용자": "consumers",
        "consumer": "consumers",
        "customers": "consumers",
        "customer": "consumers",
        "고객": "consumers",
        "직원": "employees",
        "임직원": "employees",
        "근로자": "employees",
        "employee": "employees",
        "staff": "employees",
        "학생": "students",
        "student": "students",
        "대학생": "students",
        "미성년자": "minors",
        "아동": "minors",
        "청소년": "minors",
        "어린이": "minors",
        "minor": "minors",
        "children": "minors",
        "child": "minors",
        "전문가": "professionals",
        "professional": "professionals",
        "환자": "patients",
        "patient": "patients",
        "기업": "businesses",
        "business": "businesses",
        "companies": "businesses",
        "공공": "public",
        "시민": "public",
        "국민": "public",
        "general public": "public",
        "연구자": "researchers",
        "researcher": "researchers",
        "개발자": "developers",
        "developer": "developers",
    },
    "modalities": {
        "텍스트": "text",
        "글": "text",
        "문자": "text",
        "이미지": "image",
        "그림": "image",
        "images": "image",
        "오디오": "audio",
        "소리": "audio",
        "영상": "video",
        "비디오": "video",
        "동영상": "video",
        "videos": "video",
        "코드": "code",
        "음악": "music",
        "노래": "music",
        "songs": "music",
        "음성": "voice",
        "목소리": "voice",
        "speech": "voice",
    },
    "role": {
        "제공자": "provider",
        "개발사업자": "provider",
        "인공지능개발사업자": "provider",
        "배포자": "deployer",
        "도입자": "deployer",
        "이용사업자": "deployer",
        "인공지능이용사업자": "deployer",
        "both": "provider-deployer",
        "둘 다": "provider-deployer",
        "수입자": "importer",
        "유통자": "distributor",
    },
    "sectors": {
        "교육": "education",
        "의료": "healthcare",
        "헬스케어": "healthcare",
        "health": "healthcare",
        "검색": "search",
        "코드": "code",
        "개발": "code",
        "software": "code",
        "창작": "creative-media",
        "미디어": "creative-media",
        "콘텐츠": "creative-media",
        "음악": "creative-media",
        "media": "creative-media",
        "music": "creative-media",
        "creative": "creative-media",
        "고객 서비스": "customer-service",
        "고객서비스": "customer-service",
        "상담": "customer-service",
        "customer service": "customer-service",
        "금융": "finance",
        "채용": "employment",
        "고용": "employment",
        "hr": "employment",
        "공공": "public-sector",
        "공공 부문": "public-sector",
        "government": "public-sector",
        "기타": "other",
    },
}


def _key(text: str) -> str:
    return unicodedata.normalize("NFC", " ".join(str(text).split())).casefold().replace("_", "-")


def lookup(field: str, given: str) -> str | None:
    """The profile value ``given`` means for ``field`` (a code, a Korean or English word), or None."""
    values = VALUES[field]
    key = _key(given)
    for value in values:
        if key == value.casefold():
            return value
    alias = ALIASES.get(field, {})
    by_key = {_key(k): v for k, v in alias.items()}
    return by_key.get(key)


def suggestion(field: str, given: str) -> str | None:
    """The closest known value (or its alias) to ``given``."""
    candidates = {v.casefold(): v for v in VALUES[field]} | {_key(k): v for k, v in ALIASES.get(field, {}).items()}
    import difflib  # only for a value that is not known: not on every command's start-up

    close = difflib.get_close_matches(_key(given), list(candidates), n=1, cutoff=0.6)
    return candidates[close[0]] if close else None


def normalize(field: str, given: str) -> str:
    """``given`` as the profile value of ``field``; :class:`UsageError` with a "did you mean" when unknown."""
    value = lookup(field, given)
    if value is not None:
        return value
    hint = suggestion(field, given)
    shown = ", ".join(VALUES[field]) if field != "regions" else "EU, KR, US, JP, ..., GLOBAL"
    raise UsageError(
        Msg(
            "profile.unknown",
            field=field,
            value=repr(given),
            hint=Msg("profile.did_you_mean", value=hint) if hint else "",
            known=shown,
        )
    )


def normalize_all(field: str, given: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """Every value normalised, each once, in the order given (``a,b`` in one value is split)."""
    out: list[str] = []
    for raw in given:
        for part in str(raw).split(","):
            if part.strip():
                value = normalize(field, part)
                if value not in out:
                    out.append(value)
    return tuple(out)
