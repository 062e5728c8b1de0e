"""English senses of Chinese words from CC-CEDICT (search.dictionary)."""

from __future__ import annotations

from search import dictionary

LINES = [
    "# CC-CEDICT\n",
    "耳環 耳环 [er3 huan2] /earring/CL:隻|只[zhi1],對|对[dui4]/\n",
    "夾克 夹克 [jia1 ke4] /jacket (loanword)/also pr. [jia2 ke4]/\n",
    "膳魔師 膳魔师 [Shan4 mo2 shi1] /Thermos (brand)/\n",
    "鞋 鞋 [xie2] /shoe/CL:雙|双[shuang1],隻|只[zhi1]/\n",
    "鞵 鞋 [xie2] /variant of 鞋[xie2]/\n",
    "鞋 鞋 [xie2] /footwear; shoe/\n",
    "保溫瓶 保温瓶 [bao3 wen1 ping2] /thermos/\n",
    "組合音響系統 组合音响系统 [zu3 he2 yin1 xiang3 xi4 tong3] /stereo system/\n",
    "A貨 A货 [A huo4] /fake goods/\n",
    "not an entry\n",
]


def test_senses_are_kept_per_simplified_word_without_names_or_cross_references():
    assert dictionary.parse(LINES) == {
        "耳环": ("earring",),
        "夹克": ("jacket",),
        "鞋": ("shoe", "footwear"),
        "保温瓶": ("thermos",),
    }


def test_the_packaged_dictionary_gives_a_words_first_senses():
    assert dictionary.english_senses("耳环") == ("earring",)
    assert dictionary.english_senses("耳麦") == ("headphones", "earphones")
    assert dictionary.english_senses("音响", limit=2) == ("sound", "acoustics")
    assert dictionary.english_senses("抓板") == ()


def test_a_compound_it_does_not_hold_has_its_longest_suffixs_senses_as_head_senses():
    assert dictionary.english_senses("运动裤") == ()
    assert dictionary.head_senses("运动裤") == ("underpants", "trousers", "pants")
    assert dictionary.head_senses("玫瑰金耳环") == ("earring",)
    assert dictionary.head_senses("耳环") == ()  # two characters: no compound to split
    assert dictionary.head_senses("电饭锅") == ()  # the dictionary holds the word itself


def test_the_chinese_words_of_an_english_sense():
    assert dictionary.chinese_words("rice cooker") == ("电饭煲",)
    assert dictionary.chinese_words("Thermos") == ("保温瓶", "暖瓶")
    assert dictionary.chinese_words("no such sense") == ()
