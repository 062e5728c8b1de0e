"""Generated shop text for bench/llm.py: product texts, queries and description prompts in
English and Chinese (no data set needed)."""

from __future__ import annotations

import random

# -- generated shop text -------------------------------------------------------------------

EN_ITEMS = [
    ("running shoes", ["mesh", "knit", "recycled foam"], ["trail runs", "daily jogging", "gym"]),
    ("hiking boots", ["leather", "nubuck", "waterproof suede"], ["mountain trails", "wet walks"]),
    ("rain jacket", ["nylon", "recycled polyester"], ["city commutes", "camping", "showers"]),
    ("coffee mug", ["ceramic", "stoneware", "enamel"], ["morning coffee", "tea at work"]),
    ("chef's knife", ["German steel", "Damascus steel"], ["slicing vegetables", "carving meat"]),
    ("office chair", ["mesh", "leather", "fabric"], ["long work days", "home offices", "gaming"]),
    ("desk lamp", ["aluminium", "brass"], ["reading", "late-night study", "crafts"]),
    ("wireless headphones", ["aluminium", "memory foam"], ["commuting", "flights", "workouts"]),
    ("phone case", ["silicone", "leather", "TPU"], ["drops", "daily carry"]),
    ("backpack", ["canvas", "nylon", "waxed cotton"], ["school", "travel", "weekend hikes"]),
    ("yoga mat", ["natural rubber", "cork", "TPE"], ["yoga", "pilates", "stretching"]),
    ("T-shirt", ["organic cotton", "Pima cotton", "linen blend"], ["summer days", "layering"]),
    ("wool sweater", ["merino wool", "lambswool", "cashmere blend"], ["cold evenings", "travel"]),
    ("summer dress", ["linen", "viscose", "cotton poplin"], ["beach holidays", "garden parties"]),
    ("garden hose", ["rubber", "PVC"], ["watering plants", "washing the car"]),
    ("cordless drill", ["brushless motor", "metal gearbox"], ["furniture assembly", "repairs"]),
    ("bath towel", ["Egyptian cotton", "bamboo fibre"], ["daily showers", "the gym", "beach"]),
    ("water bottle", ["stainless steel", "Tritan", "glass"], ["hiking", "the office", "cycling"]),
    ("scented candle", ["soy wax", "beeswax"], ["relaxing evenings", "gifts"]),
    ("board game", ["wood", "cardboard"], ["family nights", "parties", "rainy weekends"]),
    ("frying pan", ["cast iron", "tri-ply steel", "ceramic non-stick"], ["searing", "omelettes"]),
    ("duvet cover", ["percale cotton", "washed linen"], ["all-season sleep", "guest rooms"]),
]
EN_ADJECTIVES = [
    "lightweight",
    "durable",
    "breathable",
    "compact",
    "premium",
    "classic",
    "ergonomic",
    "water-resistant",
    "soft",
    "handmade",
    "slim",
    "adjustable",
    "foldable",
]
EN_COLOURS = ["black", "navy blue", "olive green", "grey", "white", "burgundy", "sand", "red"]
BRANDS = ["Northpeak", "Luma", "Oakline", "Vireo", "Kestrel", "Morrow", "Alba", "Tessel"]
EN_HIGHLIGHTS = [
    "Machine washable",
    "Two-year warranty",
    "Free returns within 30 days",
    "Ships in recyclable packaging",
    "Available in {n} sizes",
    "Weighs only {w} g",
    "Tested by our team for {m} months",
]
ZH_ITEMS = [
    ("跑步鞋", ["网面", "针织", "再生泡棉"], ["越野跑", "日常慢跑", "健身房训练"]),
    ("登山靴", ["真皮", "磨砂皮"], ["山地徒步", "雨天出行"]),
    ("冲锋衣", ["尼龙", "再生涤纶"], ["城市通勤", "露营", "春季阵雨"]),
    ("马克杯", ["陶瓷", "粗陶", "搪瓷"], ["早晨咖啡", "办公室喝茶"]),
    ("办公椅", ["网布", "真皮", "布艺"], ["长时间办公", "家庭办公", "电竞游戏"]),
    ("台灯", ["铝合金", "黄铜"], ["阅读", "深夜学习"]),
    ("无线耳机", ["铝合金", "记忆棉"], ["通勤", "长途飞行", "运动健身"]),
    ("双肩包", ["帆布", "尼龙"], ["上学", "旅行", "周末徒步"]),
    ("瑜伽垫", ["天然橡胶", "软木"], ["瑜伽", "普拉提", "拉伸"]),
    ("纯棉T恤", ["有机棉", "长绒棉"], ["夏天", "内搭", "休闲穿着"]),
    ("羊毛衫", ["美利奴羊毛", "羊绒混纺"], ["寒冷的晚上", "冬季旅行"]),
    ("连衣裙", ["亚麻", "棉"], ["海边度假", "花园派对"]),
    ("电钻", ["无刷电机", "金属齿轮箱"], ["家具组装", "家庭维修"]),
    ("保温杯", ["不锈钢", "玻璃"], ["徒步", "办公室", "骑行"]),
    ("香薰蜡烛", ["大豆蜡", "蜂蜡"], ["放松的夜晚", "送礼"]),
    ("平底锅", ["铸铁", "陶瓷不粘涂层"], ["煎牛排", "做早餐"]),
]
ZH_ADJECTIVES = ["轻便", "耐用", "透气", "小巧", "高端", "经典", "防水", "柔软", "手工", "可折叠"]
ZH_COLOURS = ["黑色", "藏青色", "橄榄绿", "灰色", "白色", "酒红色", "米色", "红色"]
ZH_HIGHLIGHTS = [
    "可机洗",
    "两年质保",
    "30天无理由退货",
    "环保包装发货",
    "共有{n}个尺码",
    "仅重{w}克",
]
EN_QUERIES = ["cheap {noun}", "{colour} {noun}", "{noun} for {use}", "best {adjective} {noun}"]
ZH_QUERIES = ["{colour}{noun}", "适合{use}的{noun}", "{adjective}{noun}"]


def _fill(template: str, rng: random.Random) -> str:
    return template.format(n=rng.randint(3, 8), w=rng.randint(90, 900), m=rng.randint(2, 12))


def product(rng: random.Random, *, chinese: bool) -> tuple[str, str]:
    """One generated product: (title, description with highlights)."""
    if chinese:
        noun, materials, uses = rng.choice(ZH_ITEMS)
        first, second = rng.sample(ZH_ADJECTIVES, 2)
        title = f"{rng.choice(BRANDS)} {first}{rng.choice(ZH_COLOURS)}{noun}"
        use_a, use_b = rng.sample(uses, 2) if len(uses) > 1 else (uses[0], uses[0])
        body = f"这款{noun}采用{rng.choice(materials)}制成，{second}舒适，适合{use_a}和{use_b}。"
        if rng.random() < 0.7:
            picks = rng.sample(ZH_HIGHLIGHTS, rng.randint(1, 3))
            body += "、".join(_fill(h, rng) for h in picks) + "。"
        return title, body
    noun, materials, uses = rng.choice(EN_ITEMS)
    first, second = rng.sample(EN_ADJECTIVES, 2)
    title = f"{rng.choice(BRANDS)} {first} {rng.choice(EN_COLOURS)} {noun}"
    use_a, use_b = rng.sample(uses, 2)
    body = f"A {second} {noun} made from {rng.choice(materials)}, designed for {use_a} and {use_b}."
    if rng.random() < 0.7:
        picks = rng.sample(EN_HIGHLIGHTS, rng.randint(1, 3))
        body += " " + ". ".join(_fill(h, rng) for h in picks) + "."
    return title, body


def product_texts(count: int, *, seed: int, chinese_share: float = 0.3) -> list[str]:
    """``count`` product texts ("title. description"), about 30% of them in Chinese."""
    rng = random.Random(seed)
    return [". ".join(product(rng, chinese=rng.random() < chinese_share)) for _ in range(count)]


def queries(count: int, *, seed: int) -> list[str]:
    """Short search queries in English and Chinese."""
    rng = random.Random(seed)
    result = []
    for _ in range(count):
        if rng.random() < 0.3:
            noun, _, uses = rng.choice(ZH_ITEMS)
            template = rng.choice(ZH_QUERIES)
            result.append(
                template.format(
                    noun=noun,
                    colour=rng.choice(ZH_COLOURS),
                    use=rng.choice(uses),
                    adjective=rng.choice(ZH_ADJECTIVES),
                )
            )
        else:
            noun, _, uses = rng.choice(EN_ITEMS)
            template = rng.choice(EN_QUERIES)
            result.append(
                template.format(
                    noun=noun,
                    colour=rng.choice(EN_COLOURS),
                    use=rng.choice(uses),
                    adjective=rng.choice(EN_ADJECTIVES),
                )
            )
    return result


def description_prompts(count: int, *, seed: int) -> list[str]:
    """Completion prompts that ask the base model for a product description."""
    rng = random.Random(seed)
    return [f"Product: {product(rng, chinese=False)[0]}\nDescription:" for _ in range(count)]
