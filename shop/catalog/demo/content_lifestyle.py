"""Demo content: beauty, sports & outdoors, toys, books & stationery, pets, grocery, baby."""

from __future__ import annotations

from .spec import Kind, Leaf, Top, feats, pair, pairs, quals, schema, words
from .spec import NumberRange as N

BEAUTY = Top(
    slug="beauty",
    name="Beauty & Personal Care",
    name_zh="美妆个护",
    description=pair(
        "Skincare, make-up, hair care, fragrance and bath & body. "
        "|| 护肤、彩妆、美发护发、香氛与沐浴身体护理。"
    ),
    schema=schema("volume", "skin_type", "scent_family"),
    attrs={
        "volume": N(30, 250, 10),
        "skin_type": ("all",),
        "scent_family": ("unscented", "floral", "citrus", "fresh"),
    },
    model_words=words(
        "Dew||晨露",
        "Bloom||花漾",
        "Velvet||丝绒",
        "Halo||光环",
        "Pure||纯净",
        "Calm||舒缓",
        "Glow||焕光",
        "Petal||花瓣",
        "Silk||丝滑",
        "Cloud||云朵",
        "Aqua||水润",
        "Rosewater||玫瑰水",
    ),
    model_suffixes=("", "", "Daily", "Essentials", "Plus", "Ritual"),
    features=feats(
        "Cruelty-free | Never tested on animals. || 零动物实验 | 坚持不做动物测试。",
        "Dermatologist-tested | Tested under dermatological supervision. "
        "|| 皮肤科测试 | 经皮肤科医生监测试用。",
        "Recyclable packaging | The bottle is made from recycled plastic and can be recycled "
        "again. || 可回收包装 | 瓶身采用再生塑料，用完可再次回收。",
        "[scent_family=unscented] Fragrance-free | No added fragrance, so nothing to irritate. "
        "|| 无香精 | 不添加香精，减少刺激。",
    ),
    closers=pairs(
        "Patch-test before first use. || 首次使用前建议先在局部试用。",
        "Best used within twelve months of opening. || 开封后建议12个月内用完。",
        "Vegan formula, made in small batches. || 纯素配方，小批量生产。",
    ),
    praise=pairs(
        "My skin has never felt this good. || 皮肤状态从来没这么好过。",
        "A little goes a long way. || 用量很省，一点就够。",
        "Gentle, no irritation at all. || 很温和，一点都不刺激。",
        "Smells lovely without being overpowering. || 味道很好闻，又不会太浓。",
    ),
    gripes=pairs(
        "Broke me out after a week. || 用了一周就开始冒痘。",
        "The pump stopped working halfway through. || 用到一半泵头就坏了。",
        "Too greasy for my skin. || 对我的皮肤来说太油了。",
        "The scent is stronger than I'd like. || 味道比我想要的浓。",
    ),
    leaves=(
        Leaf(
            slug="skincare",
            name="Skincare",
            name_zh="护肤",
            code="SKC",
            weight=3,
            schema=schema("spf"),
            attrs={
                "skin_type": ("all", "dry", "oily", "combination", "sensitive"),
                "spf": None,
            },
            scenes=pairs(
                "morning routines || 早间护肤",
                "winter dryness || 冬季干燥",
                "city pollution || 城市空气污染",
                "minimalist routines || 精简护肤",
            ),
            traits=pairs("gentle || 温和", "lightweight || 轻薄", "nourishing || 滋养"),
            features=feats(
                "[skin_type=dry] Deep hydration | Ceramides and squalane replenish dry, tight "
                "skin. || 深层补水 | 神经酰胺搭配角鲨烷，缓解干燥紧绷。",
                "[skin_type=oily,combination] Shine control | Niacinamide keeps shine in check "
                "without drying. || 控油不干 | 烟酰胺帮助控油，又不会拔干。",
                "[skin_type=sensitive] Soothing | Centella and oat calm redness. "
                "|| 舒缓泛红 | 积雪草与燕麦成分，舒缓敏感泛红。",
                "[skin_type=all] Suits every skin type | Balanced enough for every skin type. "
                "|| 各类肤质适用 | 配方温和平衡，各种肤质都能用。",
                "Absorbs quickly | Sinks in fast, so make-up goes on straight after. "
                "|| 吸收快 | 吸收迅速，随后即可上妆。",
                "{volume} ml | A {volume} ml bottle lasts about two months of daily use. "
                "|| {volume}毫升 | {volume}毫升装，每天使用约可用两个月。",
            ),
            kinds=(
                Kind(
                    key="moisturiser",
                    noun="Moisturiser",
                    noun_zh="面霜",
                    price=(14, 68),
                    weight=2,
                    attrs={"volume": (50, 50, 75)},
                    title_spec=("volume",),
                ),
                Kind(
                    key="serum",
                    noun="Face Serum",
                    noun_zh="精华液",
                    price=(18, 85),
                    attrs={"volume": (15, 30, 30)},
                    qualifiers=quals(
                        "Vitamin C || 维C", "Hyaluronic || 玻尿酸", "Retinal || 视黄醛"
                    ),
                    features=feats(
                        "Dropper bottle | A glass dropper measures the right amount. "
                        "|| 滴管设计 | 玻璃滴管，用量精准。",
                    ),
                ),
                Kind(
                    key="cleanser",
                    noun="Gentle Cleanser",
                    noun_zh="温和洁面乳",
                    price=(9, 32),
                    attrs={"volume": (120, 150, 200)},
                    title_spec=("volume",),
                    features=feats(
                        "Low-foam formula | Cleans without the squeaky, stripped feeling. "
                        "|| 低泡配方 | 洗得干净，却没有紧绷拔干感。",
                    ),
                ),
                Kind(
                    key="sunscreen",
                    noun="Daily Sunscreen",
                    noun_zh="日常防晒霜",
                    price=(12, 38),
                    attrs={"volume": (50,), "spf": (30, 50, 50)},
                    title_spec=("spf",),
                    features=feats(
                        "SPF {spf} broad spectrum | SPF {spf} with UVA and UVB protection. "
                        "|| SPF{spf}广谱防晒 | SPF{spf}，同时防护UVA和UVB。",
                        "No white cast | Sheer on every skin tone. "
                        "|| 不泛白 | 质地透明，各种肤色都不泛白。",
                    ),
                ),
            ),
        ),
        Leaf(
            slug="makeup",
            name="Make-up",
            name_zh="彩妆",
            code="MKP",
            weight=2,
            schema=schema("color", "finish"),
            attrs={
                "volume": N(4, 30, 1),
                "finish": ("matte", "satin", "dewy"),
                "scent_family": ("unscented",),
            },
            scenes=pairs(
                "everyday make-up || 日常妆容",
                "long workdays || 漫长的工作日",
                "nights out || 夜晚聚会",
                "quick five-minute looks || 五分钟快速出门妆",
            ),
            traits=pairs("long-wearing || 持久", "buildable || 可叠加", "comfortable || 舒适"),
            features=feats(
                "[finish=matte] Soft matte | A soft-matte finish that doesn't look flat. "
                "|| 柔雾哑光 | 柔雾哑光妆效，不显干瘪。",
                "[finish=satin] Satin sheen | A subtle satin sheen that looks like skin. "
                "|| 缎光 | 细腻缎光，自然如肌肤本身的光泽。",
                "[finish=dewy] Dewy glow | A dewy finish for a fresh, lit-from-within look. "
                "|| 水光 | 水润光泽，由内而外透出好气色。",
                "[finish=shimmer] Fine shimmer | Fine shimmer that catches the light. "
                "|| 细闪 | 细腻珠光，随光线闪烁。",
                "Twelve-hour wear | Stays put through a full working day. "
                "|| 12小时持妆 | 持妆一整天不脱妆。",
            ),
            kinds=(
                Kind(
                    key="lipstick",
                    noun="Lipstick",
                    noun_zh="口红",
                    price=(10, 38),
                    weight=2,
                    attrs={
                        "color": ("red", "coral", "pink", "burgundy", "beige", "brown"),
                        "volume": None,
                    },
                    features=feats(
                        "Hydrating balm core | Shea butter keeps lips comfortable. "
                        "|| 润唇膏芯 | 添加乳木果油，涂着不干。",
                    ),
                ),
                Kind(
                    key="foundation",
                    noun="Liquid Foundation",
                    noun_zh="粉底液",
                    price=(14, 48),
                    attrs={"color": ("cream", "beige", "tan", "brown"), "volume": (30,)},
                    features=feats(
                        "Medium coverage | Evens out tone while skin still shows through. "
                        "|| 中等遮瑕 | 均匀肤色，又保留肌肤的自然质感。",
                    ),
                ),
                Kind(
                    key="mascara",
                    noun="Mascara",
                    noun_zh="睫毛膏",
                    price=(9, 28),
                    attrs={"color": ("black", "brown"), "finish": ("matte",), "volume": (8, 10)},
                    features=feats(
                        "Smudge-proof | Won't smudge or flake by the afternoon. "
                        "|| 不晕染 | 到了下午也不晕妆、不掉渣。",
                    ),
                ),
                Kind(
                    key="palette",
                    noun="Eyeshadow Palette",
                    noun_zh="眼影盘",
                    price=(15, 55),
                    attrs={
                        "color": ("multicolor",),
                        "finish": ("matte", "shimmer"),
                        "volume": None,
                    },
                    features=feats(
                        "Twelve wearable shades | Twelve shades from everyday neutrals to a bold "
                        "accent. || 12色实用配色 | 12个颜色，从日常大地色到亮眼点缀色都有。",
                    ),
                ),
            ),
        ),
        Leaf(
            slug="haircare",
            name="Hair Care",
            name_zh="美发护发",
            code="HAI",
            weight=2,
            schema=schema("hair_type", "power"),
            attrs={
                "hair_type": ("all", "fine", "thick", "curly", "coloured"),
                "skin_type": None,
                "volume": (250, 300, 500),
                "power": None,
            },
            scenes=pairs(
                "frizzy humid days || 潮湿起毛躁的日子",
                "weekly wash days || 每周洗头日",
                "after-swim care || 游泳后护理",
            ),
            traits=pairs("nourishing || 滋养", "lightweight || 轻盈", "gentle || 温和"),
            features=feats(
                "[hair_type=curly] Defines curls | Defines curls without crunch. "
                "|| 塑造卷度 | 卷发更有型，又不会发硬。",
                "[hair_type=fine] Weightless | Adds body without weighing fine hair down. "
                "|| 轻盈蓬松 | 让细软发更蓬松，不塌不腻。",
                "[hair_type=coloured] Colour-safe | Sulfate-free, so colour lasts longer. "
                "|| 护色配方 | 无硫酸盐配方，染后发色更持久。",
                "[hair_type=thick] Tames frizz | Smooths thick, frizzy lengths. "
                "|| 抚平毛躁 | 抚顺粗硬毛躁的发丝。",
                "Silicone-free | No silicones to build up over time. "
                "|| 无硅油 | 不含硅油，长期使用也不堆积。",
            ),
            kinds=(
                Kind(
                    key="shampoo",
                    noun="Shampoo",
                    noun_zh="洗发水",
                    price=(8, 32),
                    article="a bottle of",
                    plural="shampoos",
                    weight=2,
                    title_spec=("volume",),
                ),
                Kind(
                    key="conditioner",
                    noun="Conditioner",
                    noun_zh="护发素",
                    price=(8, 32),
                    title_spec=("volume",),
                ),
                Kind(
                    key="oil",
                    noun="Hair Oil",
                    noun_zh="护发精油",
                    price=(14, 45),
                    attrs={"volume": (50, 100)},
                    features=feats(
                        "Argan and camellia | Argan and camellia oils add shine. "
                        "|| 摩洛哥坚果油与山茶油 | 坚果油搭配山茶油，秀发更有光泽。",
                    ),
                ),
                Kind(
                    key="dryer",
                    noun="Ionic Hair Dryer",
                    noun_zh="负离子吹风机",
                    price=(35, 160),
                    attrs={
                        "volume": None,
                        "scent_family": None,
                        "power": N(1200, 2000, 200),
                        "hair_type": ("all",),
                    },
                    features=feats(
                        "Ionic drying | Negative ions cut frizz and drying time. "
                        "|| 负离子护发 | 负离子减少毛躁，吹干更快。",
                        "Three heat settings | Three heat and two speed settings plus a cool "
                        "shot. || 多档调节 | 三档温度、两档风速，另有冷风键。",
                    ),
                ),
            ),
        ),
        Leaf(
            slug="fragrance",
            name="Fragrance",
            name_zh="香水香氛",
            code="FRG",
            weight=2,
            attrs={
                "scent_family": ("floral", "woody", "citrus", "fresh", "amber", "gourmand"),
                "skin_type": None,
            },
            scenes=pairs(
                "everyday wear || 日常使用",
                "date nights || 约会之夜",
                "the office || 办公室",
                "summer holidays || 夏日度假",
            ),
            traits=pairs("distinctive || 独特", "long-lasting || 留香持久", "subtle || 淡雅"),
            features=feats(
                "[scent_family=floral] Floral heart | Peony and jasmine over soft musk. "
                "|| 花香之心 | 牡丹与茉莉，融合柔和麝香。",
                "[scent_family=woody] Woody base | Cedar, vetiver and a touch of leather. "
                "|| 木质基调 | 雪松、香根草与一丝皮革气息。",
                "[scent_family=citrus] Citrus sparkle | Bergamot, yuzu and pink pepper. "
                "|| 柑橘清新 | 佛手柑、柚子与粉红胡椒。",
                "[scent_family=fresh] Clean and airy | Sea salt, sage and white tea. "
                "|| 清新通透 | 海盐、鼠尾草与白茶。",
                "[scent_family=amber] Warm amber | Amber, vanilla and benzoin. "
                "|| 温暖琥珀 | 琥珀、香草与安息香。",
                "[scent_family=gourmand] Gourmand | Toasted almond, tonka and a little coffee. "
                "|| 美食调 | 烤杏仁、零陵香豆与少许咖啡香。",
            ),
            kinds=(
                Kind(
                    key="edp",
                    noun="Eau de Parfum",
                    noun_zh="淡香精",
                    price=(35, 140),
                    plural="eaux de parfum",
                    attrs={"volume": (30, 50, 100)},
                    title_spec=("volume",),
                    features=feats(
                        "Six-hour longevity | Lasts six hours or more on skin. "
                        "|| 留香6小时 | 在肌肤上可留香6小时以上。",
                    ),
                ),
                Kind(
                    key="mist",
                    noun="Body Mist",
                    noun_zh="身体香氛喷雾",
                    price=(12, 35),
                    attrs={"volume": (100, 150, 250)},
                    features=feats(
                        "Light and refreshing | Spritz freely — it's a light veil of scent. "
                        "|| 轻盈提神 | 香气轻柔，可随时多喷几下。",
                    ),
                ),
            ),
        ),
        Leaf(
            slug="bath-body",
            name="Bath & Body",
            name_zh="沐浴身体护理",
            code="BTH",
            weight=2,
            attrs={"volume": (75, 250, 400, 500)},
            scenes=pairs(
                "evening wind-downs || 晚间放松",
                "dry winter skin || 冬季干燥肌肤",
                "post-workout showers || 运动后淋浴",
            ),
            traits=pairs("nourishing || 滋润", "calming || 舒缓", "refreshing || 清爽"),
            features=feats(
                "Shea and oat | Shea butter and oat soften rough patches. "
                "|| 乳木果与燕麦 | 乳木果油与燕麦，软化粗糙肌肤。",
                "Soap-free | A soap-free base that won't dry skin out. "
                "|| 无皂基 | 无皂基配方，洗后不干涩。",
            ),
            kinds=(
                Kind(key="wash", noun="Body Wash", noun_zh="沐浴露", price=(8, 28), weight=2),
                Kind(
                    key="hand-cream",
                    noun="Hand Cream",
                    noun_zh="护手霜",
                    price=(6, 24),
                    attrs={"volume": (30, 50, 75)},
                    features=feats(
                        "Non-greasy | Absorbs fast so you can type straight after. "
                        "|| 不油腻 | 吸收快，涂完就能打字。",
                    ),
                ),
                Kind(key="lotion", noun="Body Lotion", noun_zh="身体乳", price=(10, 34)),
                Kind(
                    key="salts",
                    noun="Bath Salts",
                    noun_zh="浴盐",
                    price=(12, 30),
                    article="a jar of",
                    plural="bath salts",
                    features=feats(
                        "Magnesium flakes | Magnesium flakes for tired muscles. "
                        "|| 镁盐 | 镁片舒缓疲惫肌肉。",
                    ),
                ),
            ),
        ),
    ),
)

SPORTS = Top(
    slug="sports-outdoors",
    name="Sports & Outdoors",
    name_zh="运动户外",
    description=pair(
        "Camping, fitness, cycling, hydration and ball sports. "
        "|| 露营、健身、骑行、水壶保温杯与球类运动。"
    ),
    schema=schema("color", "material", "activity", "weight_kg~"),
    attrs={
        "color": ("black", "grey", "navy", "olive", "orange", "teal", "sage", "red", "blue"),
        "material": ("nylon", "recycled-polyester", "aluminium"),
        "weight_kg": N(0.2, 2.5, 0.1),
    },
    model_words=words(
        "Basecamp",
        "Trailhead",
        "Switchback",
        "Horizon",
        "Alpine",
        "Ridge",
        "Canyon",
        "Summit",
        "Timber",
        "Glacier",
        "Ember",
        "Cairn",
        "Fjord",
        "Outpost",
        "Tundra",
        "Sprint",
    ),
    model_suffixes=("", "", "UL", "Pro", "2", "3", "Lite", "Plus", "XT"),
    features=feats(
        "[activity=camping,hiking,cycling] Field-tested | Tested by our team over a full season "
        "outdoors. "
        "|| 实地测试 | 由我们的团队在户外实测了整整一季。",
        "Repair-friendly | Replacement parts are sold separately. "
        "|| 可维修 | 提供单独出售的替换配件。",
    ),
    closers=pairs(
        "Leave no trace — pack out what you pack in. || 无痕户外，带来的东西请带走。",
        "Backed by a two-year guarantee against defects. || 非人为损坏享两年保障。",
        "Dry it fully before storing. || 收纳前请彻底晾干。",
    ),
    praise=pairs(
        "Held up perfectly on a week-long trip. || 一周的行程下来完全没问题。",
        "Light and packs small. || 轻，收纳体积也小。",
        "Solid build for the price. || 这个价位做工很扎实。",
    ),
    gripes=pairs(
        "Heavier than the listing says. || 比页面标的要重。",
        "One buckle broke on the first trip. || 第一次出门就坏了一个扣子。",
        "Instructions could be clearer. || 说明书可以写得更清楚些。",
    ),
    leaves=(
        Leaf(
            slug="camping",
            name="Camping Gear",
            name_zh="露营装备",
            code="CAM",
            weight=3,
            schema=schema("season", "sleeps", "temp_rating", "lumens"),
            attrs={
                "activity": ("camping", "hiking"),
                "season": ("3-season",),
                "sleeps": None,
                "temp_rating": None,
                "lumens": None,
            },
            scenes=pairs(
                "weekend camping trips || 周末露营",
                "backpacking trips || 重装徒步",
                "festival weekends || 音乐节周末",
                "car camping with the family || 全家自驾露营",
            ),
            traits=pairs("lightweight || 轻量", "packable || 易收纳", "rugged || 耐用"),
            features=feats(
                "Packs small | Compresses into a stuff sack the size of a water bottle. "
                "|| 收纳小巧 | 压缩后只有一个水瓶大小。",
                "{weight_kg} kg | At {weight_kg} kg, it won't weigh your pack down. "
                "|| 仅{weight_kg}公斤 | 重量仅{weight_kg}公斤，背包不会因此变沉。",
            ),
            kinds=(
                Kind(
                    key="tent",
                    noun="Backpacking Tent",
                    noun_zh="徒步帐篷",
                    price=(90, 420),
                    weight=2,
                    attrs={
                        "sleeps": (1, 2, 2, 3),
                        "season": ("3-season", "3-season", "4-season"),
                        "weight_kg": N(1.1, 2.8, 0.1),
                    },
                    title_spec=("sleeps",),
                    features=feats(
                        "Freestanding | Pitches anywhere, even on rock. "
                        "|| 自立式 | 自立式结构，岩石地面也能搭。",
                        "Two doors | A door and porch on each side so nobody climbs over anyone. "
                        "|| 双门设计 | 两侧各有门和前厅，进出互不打扰。",
                        "[season=4-season] Four-season | Steep walls shed snow load. "
                        "|| 四季帐 | 陡峭帐壁，积雪不易压垮。",
                    ),
                ),
                Kind(
                    key="sleeping-bag",
                    noun="Sleeping Bag",
                    noun_zh="睡袋",
                    price=(50, 320),
                    attrs={
                        "temp_rating": N(-10, 10, 5),
                        "material": ("down", "recycled-polyester"),
                        "weight_kg": N(0.7, 1.8, 0.1),
                    },
                    features=feats(
                        "Comfort to {temp_rating} °C | Comfort-rated to {temp_rating} °C. "
                        "|| 舒适温度{temp_rating}°C | 舒适温标为{temp_rating}°C。",
                        "Draft collar | A draft collar stops warm air escaping. "
                        "|| 防风领 | 颈部防风领，阻止热气流失。",
                    ),
                ),
                Kind(
                    key="chair",
                    noun="Camping Chair",
                    noun_zh="露营椅",
                    price=(30, 120),
                    attrs={"activity": ("camping",), "weight_kg": N(0.9, 2.5, 0.1)},
                    features=feats(
                        "Holds 120 kg | Rated to 120 kg yet folds small. "
                        "|| 承重120公斤 | 承重可达120公斤，折叠后却很小巧。",
                    ),
                ),
                Kind(
                    key="headlamp",
                    noun="Rechargeable Headlamp",
                    noun_zh="充电头灯",
                    price=(18, 70),
                    attrs={"lumens": N(200, 800, 50), "weight_kg": N(0.1, 0.1, 0.1)},
                    title_spec=("lumens",),
                    features=feats(
                        "Red-light mode | A red mode saves your night vision. "
                        "|| 红光模式 | 红光模式不影响夜视。",
                        "{lumens} lumens | {lumens} lumens on high for trail finding. "
                        "|| {lumens}流明 | 高亮档{lumens}流明，夜路看得清楚。",
                    ),
                ),
            ),
        ),
        Leaf(
            slug="yoga-fitness",
            name="Yoga & Fitness",
            name_zh="瑜伽健身",
            code="FIT",
            weight=3,
            schema=schema("thickness", "resistance"),
            attrs={
                "activity": ("yoga", "training"),
                "weight_kg": None,
                "thickness": None,
                "resistance": None,
                "material": ("rubber", "eva", "silicone"),
            },
            scenes=pairs(
                "home workouts || 居家锻炼",
                "morning yoga || 晨间瑜伽",
                "small-space training || 小空间训练",
                "rehab and mobility work || 康复与灵活性训练",
            ),
            traits=pairs("grippy || 防滑", "versatile || 多用", "sturdy || 稳固"),
            features=feats(
                "Latex-free | Latex-free materials for sensitive skin. "
                "|| 不含乳胶 | 不含乳胶，敏感肌也放心。",
                "Free workout videos | Comes with a set of follow-along workouts. "
                "|| 配套课程 | 附赠跟练视频课程。",
            ),
            kinds=(
                Kind(
                    key="mat",
                    noun="Yoga Mat",
                    noun_zh="瑜伽垫",
                    price=(20, 110),
                    weight=2,
                    attrs={"thickness": (3, 4, 6, 8), "material": ("rubber", "eva")},
                    title_spec=("thickness",),
                    features=feats(
                        "Non-slip surface | A grippy surface even in a sweaty class. "
                        "|| 防滑表面 | 出汗时依然抓地防滑。",
                        "{thickness} mm cushioning | {thickness} mm thick to protect knees. "
                        "|| {thickness}毫米厚 | {thickness}毫米厚度，保护膝盖。",
                        "Alignment lines | Etched lines help you square up your poses. "
                        "|| 体位线 | 表面体位线帮助对齐动作。",
                    ),
                ),
                Kind(
                    key="bands",
                    noun="Resistance Band Set",
                    noun_zh="弹力带套装",
                    price=(12, 40),
                    attrs={"resistance": ("light", "medium", "heavy"), "material": ("rubber",)},
                    features=feats(
                        "Five levels | Five colour-coded bands to progress with. "
                        "|| 五档阻力 | 五种颜色对应五档阻力，循序渐进。",
                    ),
                ),
                Kind(
                    key="dumbbell",
                    noun="Adjustable Dumbbell",
                    noun_zh="可调节哑铃",
                    price=(80, 320),
                    attrs={
                        "weight_kg": N(10, 24, 2),
                        "material": ("rubber",),
                        "activity": ("training",),
                    },
                    title_spec=("weight_kg",),
                    features=feats(
                        "Dial-a-weight | Turn the dial to change the weight in seconds. "
                        "|| 旋钮调重 | 旋转旋钮，几秒就能调整重量。",
                        "Replaces a rack | One dumbbell replaces a whole rack. "
                        "|| 一只顶一排 | 一只就能替代一整排哑铃。",
                    ),
                ),
                Kind(
                    key="roller",
                    noun="Foam Roller",
                    noun_zh="泡沫轴",
                    price=(15, 45),
                    attrs={"material": ("eva",)},
                    features=feats(
                        "Firm texture | A textured surface works into tight calves. "
                        "|| 纹理表面 | 凹凸纹理深入放松紧绷的小腿。",
                    ),
                ),
            ),
        ),
        Leaf(
            slug="cycling",
            name="Cycling",
            name_zh="骑行装备",
            code="CYC",
            weight=2,
            schema=schema("size", "lumens"),
            attrs={"activity": ("cycling",), "size": None, "lumens": None, "weight_kg": None},
            scenes=pairs(
                "city commuting || 城市通勤",
                "weekend rides || 周末骑行",
                "dark winter evenings || 冬季傍晚",
                "gravel adventures || 砾石路探险",
            ),
            traits=pairs("visible || 醒目", "lightweight || 轻量", "secure || 安全"),
            features=feats(
                "Commuter-tested | Ridden daily through a wet winter by our team. "
                "|| 通勤实测 | 团队成员在潮湿的冬季每天骑行实测。",
            ),
            kinds=(
                Kind(
                    key="helmet",
                    noun="Bike Helmet",
                    noun_zh="骑行头盔",
                    price=(40, 160),
                    weight=2,
                    attrs={"size": ("s", "m", "l"), "material": ("polycarbonate",)},
                    features=feats(
                        "Dial fit | A rear dial fine-tunes the fit. "
                        "|| 旋钮调节 | 后脑旋钮微调松紧。",
                        "Fourteen vents | Plenty of vents keep your head cool. "
                        "|| 14个通风孔 | 多通风孔设计，头部清爽不闷。",
                    ),
                ),
                Kind(
                    key="lights",
                    noun="Bike Light Set",
                    noun_zh="自行车灯套装",
                    price=(20, 80),
                    attrs={"lumens": N(200, 1000, 100), "material": ("aluminium",)},
                    title_spec=("lumens",),
                    features=feats(
                        "USB-C rechargeable | Both lights charge over USB-C. "
                        "|| USB-C充电 | 前后灯都用USB-C充电。",
                        "{lumens} lumen front | A {lumens} lumen front light for unlit lanes. "
                        "|| 前灯{lumens}流明 | {lumens}流明前灯，没有路灯的小路也看得清。",
                    ),
                ),
                Kind(
                    key="gloves",
                    noun="Cycling Gloves",
                    noun_zh="骑行手套",
                    price=(15, 50),
                    article="a pair of",
                    plural="cycling gloves",
                    attrs={"size": ("s", "m", "l", "xl"), "material": ("synthetic",)},
                    features=feats(
                        "Gel padding | Gel pads ease numb hands on long rides. "
                        "|| 凝胶垫 | 掌心凝胶垫，长途骑行手不麻。",
                    ),
                ),
                Kind(
                    key="lock",
                    noun="Bike Lock",
                    noun_zh="自行车锁",
                    price=(20, 90),
                    attrs={"material": ("stainless-steel",)},
                    features=feats(
                        "Hardened steel | A hardened steel shackle resists bolt cutters. "
                        "|| 硬化钢 | 硬化钢锁梁，抗剪防撬。",
                    ),
                ),
            ),
        ),
        Leaf(
            slug="hydration",
            name="Water Bottles & Flasks",
            name_zh="水壶保温杯",
            code="HYD",
            weight=2,
            schema=schema("capacity"),
            attrs={
                "weight_kg": None,
                "material": ("stainless-steel",),
                "capacity": (0.5, 0.75, 1.0),
                "activity": ("hiking", "commuting", "training", "travel"),
            },
            scenes=pairs(
                "long days at the desk || 长时间伏案",
                "gym sessions || 健身",
                "day hikes || 一日徒步",
                "school runs || 接送孩子上学",
            ),
            traits=pairs("leak-proof || 防漏", "durable || 耐用", "insulated || 保温"),
            features=feats(
                "Leak-proof lid | Toss it in a bag upside down — nothing escapes. "
                "|| 防漏杯盖 | 倒着放进包里也不会漏。",
                "BPA-free | Every part that touches your drink is BPA-free. "
                "|| 不含BPA | 所有接触饮品的部件均不含BPA。",
                "[material=stainless-steel] Double-wall insulation | Cold for 24 hours, hot for "
                "12. || 双层真空 | 保冷24小时，保温12小时。",
                "{capacity} L | A {capacity} L size that fits most cup holders. "
                "|| {capacity}升 | {capacity}升容量，大多数杯架都放得下。",
            ),
            kinds=(
                Kind(
                    key="bottle",
                    noun="Insulated Water Bottle",
                    noun_zh="保温水壶",
                    price=(15, 50),
                    weight=2,
                    title_spec=("capacity",),
                ),
                Kind(
                    key="mug",
                    noun="Travel Mug",
                    noun_zh="随行咖啡杯",
                    price=(15, 40),
                    attrs={"capacity": (0.35, 0.45)},
                    features=feats(
                        "One-hand lid | A one-handed sip lid for the commute. "
                        "|| 单手开合 | 单手即可开盖饮用。",
                    ),
                ),
                Kind(
                    key="filter",
                    noun="Filter Water Bottle",
                    noun_zh="过滤水壶",
                    price=(25, 60),
                    attrs={"material": ("recycled-plastic",), "capacity": (0.6, 1.0)},
                    traits=pairs("leak-proof || 防漏", "lightweight || 轻便"),
                    features=feats(
                        "Built-in filter | Filters tap and stream water as you drink. "
                        "|| 内置滤芯 | 饮用时即可过滤自来水或溪水。",
                    ),
                ),
            ),
        ),
        Leaf(
            slug="ball-racket-sports",
            name="Ball & Racket Sports",
            name_zh="球类运动",
            code="BAL",
            weight=2,
            attrs={
                "activity": ("training", "casual"),
                "material": ("rubber", "synthetic", "aluminium"),
                "weight_kg": None,
            },
            scenes=pairs(
                "after-school games || 放学后打球",
                "club nights || 俱乐部活动",
                "weekend matches || 周末比赛",
                "learning the basics || 入门练习",
            ),
            traits=pairs("balanced || 平衡", "durable || 耐打", "beginner-friendly || 适合新手"),
            features=feats(
                "Match-ready | Meets the standard size and weight for club play. "
                "|| 比赛规格 | 符合俱乐部比赛的标准尺寸与重量。",
            ),
            kinds=(
                Kind(
                    key="badminton",
                    noun="Badminton Racket",
                    noun_zh="羽毛球拍",
                    price=(20, 120),
                    attrs={"material": ("aluminium", "synthetic")},
                    features=feats(
                        "Head-light balance | A head-light balance for fast net play. "
                        "|| 头轻设计 | 头轻平衡点，网前反应更快。",
                    ),
                ),
                Kind(
                    key="tennis",
                    noun="Tennis Racket",
                    noun_zh="网球拍",
                    price=(40, 200),
                    features=feats(
                        "Large sweet spot | A forgiving sweet spot for developing players. "
                        "|| 甜区大 | 大甜区容错率高，适合进阶球友。",
                    ),
                ),
                Kind(
                    key="basketball",
                    noun="Basketball",
                    noun_zh="篮球",
                    price=(15, 60),
                    attrs={"material": ("rubber", "synthetic")},
                    features=feats(
                        "Indoor/outdoor | A tough cover for both court and tarmac. "
                        "|| 室内外通用 | 耐磨球皮，室内木地板和室外水泥地都能打。",
                    ),
                ),
                Kind(
                    key="table-tennis",
                    noun="Table Tennis Set",
                    noun_zh="乒乓球拍套装",
                    price=(15, 70),
                    features=feats(
                        "Two bats, six balls | Two bats, six balls and a carry case. "
                        "|| 两拍六球 | 含两支球拍、六个球和收纳包。",
                    ),
                ),
            ),
        ),
    ),
)

TOYS = Top(
    slug="toys",
    name="Toys & Games",
    name_zh="玩具游戏",
    description=pair(
        "Building sets, plush, puzzles, board games, STEM and outdoor toys. "
        "|| 积木拼搭、毛绒玩具、拼图桌游、STEM科学玩具与户外玩具。"
    ),
    schema=schema("age_range!", "material", "piece_count", "color"),
    attrs={
        "age_range": ("3-5", "6-8", "6-8", "9-12"),
        "material": ("abs-plastic", "beech-wood", "cardboard"),
        "piece_count": None,
        "color": ("multicolor",),
    },
    model_words=words(
        "Tumble||翻滚",
        "Sprout||萌芽",
        "Pebble||小石子",
        "Rocket||火箭",
        "Maple||枫叶",
        "Puddle||水洼",
        "Comet||彗星",
        "Bumble||嗡嗡",
        "Acorn||橡果",
        "Marble||弹珠",
        "Jellybean||软糖",
        "Kazoo||卡祖笛",
    ),
    model_suffixes=("", "", "Junior", "Explorer", "Deluxe", "Mini"),
    features=feats(
        "Safety-tested | Tested to international toy-safety standards. "
        "|| 安全检测 | 通过国际玩具安全标准检测。",
        "[age_range=0-2,3-5,6-8,9-12,12-plus] Screen-free play | Hands-on play that gets kids "
        "off screens. "
        "|| 远离屏幕 | 动手玩耍，让孩子放下屏幕。",
        "Storage included | Comes with a box that actually holds everything afterwards. "
        "|| 附收纳盒 | 附带收纳盒，玩完能全部装回去。",
    ),
    closers=pairs(
        "Contains small parts; keep away from children under three unless stated. "
        "|| 含小零件，除特别说明外不适合三岁以下儿童。",
        "A birthday present that gets played with long after the party. "
        "|| 作为生日礼物，派对结束后也会一直被玩。",
        "Wipe clean with a damp cloth. || 可用湿布擦拭清洁。",
    ),
    praise=pairs(
        "My kids haven't put it down all week. || 孩子们一整周都玩不腻。",
        "Great quality, nothing has broken yet. || 质量很好，到现在一点没坏。",
        "Perfect for the age range. || 非常适合这个年龄段。",
    ),
    gripes=pairs(
        "Pieces are smaller than expected. || 零件比想象的小。",
        "Lost interest after a couple of days. || 玩了两天就没兴趣了。",
        "A piece was missing from the box. || 盒子里少了一个零件。",
    ),
    leaves=(
        Leaf(
            slug="building-sets",
            name="Building Sets",
            name_zh="积木拼搭",
            code="BLD",
            weight=2,
            attrs={"piece_count": N(100, 1500, 50), "material": ("abs-plastic",)},
            scenes=pairs(
                "rainy afternoons || 下雨的午后",
                "family building sessions || 亲子拼搭时光",
                "budding engineers || 小小工程师",
            ),
            traits=pairs("creative || 创意", "challenging || 有挑战", "rewarding || 有成就感"),
            features=feats(
                "{piece_count} pieces | {piece_count} pieces with step-by-step instructions. "
                "|| {piece_count}颗粒 | 共{piece_count}个零件，附分步图纸。",
            ),
            kinds=(
                Kind(
                    key="bricks",
                    noun="Building Brick Set",
                    noun_zh="积木套装",
                    price=(20, 150),
                    weight=2,
                    title_spec=("piece_count",),
                    features=feats(
                        "Compatible bricks | Works with other major brick systems. "
                        "|| 兼容通用 | 与主流积木体系兼容。",
                    ),
                ),
                Kind(
                    key="magnetic",
                    noun="Magnetic Tile Set",
                    noun_zh="磁力片套装",
                    price=(25, 90),
                    attrs={"piece_count": (32, 60, 100), "age_range": ("3-5", "6-8")},
                    features=feats(
                        "Strong magnets | Strong magnets hold tall towers together. "
                        "|| 强磁 | 磁力强，能搭出高塔而不倒。",
                    ),
                ),
                Kind(
                    key="wooden",
                    noun="Wooden Block Set",
                    noun_zh="木质积木",
                    price=(18, 70),
                    attrs={
                        "material": ("beech-wood",),
                        "piece_count": (40, 60, 100),
                        "age_range": ("0-2", "3-5"),
                    },
                    features=feats(
                        "Sanded smooth | Smooth edges and water-based paint. "
                        "|| 打磨光滑 | 边角圆润打磨，采用水性漆。",
                    ),
                ),
            ),
        ),
        Leaf(
            slug="plush",
            name="Plush Toys",
            name_zh="毛绒玩具",
            code="PLS",
            weight=2,
            attrs={
                "material": ("plush",),
                "age_range": ("0-2", "3-5", "6-8"),
                "color": ("brown", "cream", "grey", "pink", "blue", "green"),
            },
            scenes=pairs(
                "bedtime cuddles || 睡前拥抱",
                "long car journeys || 长途车程",
                "first birthdays || 一周岁生日",
            ),
            traits=pairs("huggable || 好抱", "soft || 柔软", "cuddly || 软萌"),
            features=feats(
                "Machine washable | Survives the washing machine intact. "
                "|| 可机洗 | 放进洗衣机也不变形。",
                "Embroidered eyes | Stitched eyes, safe from birth. "
                "|| 刺绣眼睛 | 眼睛采用刺绣，新生儿也能安全玩。",
            ),
            kinds=(
                Kind(key="bear", noun="Plush Bear", noun_zh="毛绒小熊", price=(12, 45), weight=2),
                Kind(key="bunny", noun="Plush Bunny", noun_zh="毛绒兔子", price=(12, 40)),
                Kind(key="dino", noun="Plush Dinosaur", noun_zh="毛绒恐龙", price=(14, 45)),
                Kind(key="whale", noun="Plush Whale", noun_zh="毛绒鲸鱼", price=(12, 38)),
            ),
        ),
        Leaf(
            slug="puzzles-games",
            name="Puzzles & Board Games",
            name_zh="拼图桌游",
            code="PZG",
            weight=2,
            schema=schema("players"),
            attrs={
                "material": ("cardboard",),
                "age_range": ("6-8", "9-12", "12-plus", "adult"),
                "players": None,
            },
            scenes=pairs(
                "family game nights || 家庭游戏夜",
                "cosy weekends || 温馨的周末",
                "holiday gatherings || 节日聚会",
            ),
            traits=pairs("absorbing || 让人沉迷", "clever || 烧脑", "sociable || 热闹"),
            features=feats(
                "[material=cardboard] Thick board | Thick, recycled board that won't bend. "
                "|| 厚纸板 | 采用厚实再生纸板，不易弯折。",
            ),
            kinds=(
                Kind(
                    key="jigsaw",
                    noun="Jigsaw Puzzle",
                    noun_zh="拼图",
                    price=(12, 35),
                    weight=2,
                    attrs={"piece_count": (500, 1000, 1000, 1500)},
                    title_spec=("piece_count",),
                    features=feats(
                        "Snug-fitting pieces | Pieces click firmly together. "
                        "|| 咬合紧密 | 拼块咬合紧密，不易松散。",
                        "Poster included | A full-size poster to work from. "
                        "|| 附参考海报 | 附带等大参考海报。",
                    ),
                ),
                Kind(
                    key="board-game",
                    noun="Family Board Game",
                    noun_zh="家庭桌游",
                    price=(18, 60),
                    attrs={"players": ("2-4", "2-6")},
                    features=feats(
                        "Thirty-minute games | Most games wrap up in thirty minutes. "
                        "|| 30分钟一局 | 一局大约30分钟。",
                        "Easy to learn | Learn the rules in five minutes. "
                        "|| 上手快 | 五分钟就能学会规则。",
                    ),
                ),
                Kind(
                    key="card-game",
                    noun="Card Game",
                    noun_zh="卡牌游戏",
                    price=(8, 25),
                    attrs={"players": ("2-4", "2-6"), "material": ("paper",)},
                    features=feats(
                        "Travel-sized | Small enough for a coat pocket. "
                        "|| 便携 | 小到能放进外套口袋。",
                    ),
                ),
            ),
        ),
        Leaf(
            slug="stem-toys",
            name="STEM & Science",
            name_zh="STEM科学玩具",
            code="STM",
            weight=2,
            attrs={"age_range": ("6-8", "9-12", "12-plus"), "material": ("abs-plastic",)},
            scenes=pairs(
                "curious minds || 好奇的小脑袋",
                "school holidays || 寒暑假",
                "science-fair projects || 科学展项目",
            ),
            traits=pairs("educational || 寓教于乐", "hands-on || 动手", "inspiring || 启发"),
            features=feats(
                "Learn by doing | Each activity explains the science behind it. "
                "|| 边玩边学 | 每个实验都讲解背后的科学原理。",
            ),
            kinds=(
                Kind(
                    key="robot",
                    noun="Coding Robot",
                    noun_zh="编程机器人",
                    price=(45, 150),
                    features=feats(
                        "Screen-optional coding | Program it with cards, then move on to the "
                        "app. || 卡片编程 | 先用卡片编程，再进阶到App。",
                    ),
                ),
                Kind(
                    key="science-kit",
                    noun="Science Experiment Kit",
                    noun_zh="科学实验套装",
                    price=(20, 60),
                    attrs={"piece_count": (20, 30, 50)},
                    features=feats(
                        "Twenty experiments | Twenty experiments, from crystals to volcanoes. "
                        "|| 20个实验 | 20个实验，从晶体生长到火山喷发。",
                    ),
                ),
                Kind(
                    key="marble-run",
                    noun="Marble Run",
                    noun_zh="弹珠轨道",
                    price=(25, 80),
                    attrs={"piece_count": (80, 120, 150), "age_range": ("3-5", "6-8")},
                ),
            ),
        ),
        Leaf(
            slug="outdoor-play",
            name="Outdoor Play",
            name_zh="户外玩具",
            code="ODP",
            weight=1,
            attrs={"age_range": ("3-5", "6-8"), "material": ("abs-plastic", "beech-wood")},
            scenes=pairs(
                "sunny afternoons in the park || 阳光明媚的公园午后",
                "back-garden adventures || 后院探险",
                "beach days || 海边",
            ),
            traits=pairs("active || 好动", "sturdy || 结实", "cheerful || 欢乐"),
            features=feats(
                "UV-stable colours | Colours that won't fade in the sun. "
                "|| 抗紫外线 | 颜色不易被阳光晒褪。",
            ),
            kinds=(
                Kind(
                    key="balance-bike",
                    noun="Balance Bike",
                    noun_zh="平衡车",
                    price=(50, 130),
                    attrs={"material": ("beech-wood", "aluminium")},
                    features=feats(
                        "Adjustable seat | The seat grows with your child. "
                        "|| 座椅可调 | 座椅高度可随孩子成长调节。",
                    ),
                ),
                Kind(
                    key="kite",
                    noun="Kite",
                    noun_zh="风筝",
                    price=(12, 40),
                    attrs={"material": ("nylon",)},
                ),
                Kind(
                    key="sand-set",
                    noun="Sand and Water Toy Set",
                    noun_zh="沙滩戏水玩具套装",
                    price=(12, 35),
                    attrs={"piece_count": (8, 12, 18)},
                ),
            ),
        ),
        Leaf(
            slug="pretend-play",
            name="Pretend Play",
            name_zh="过家家玩具",
            code="PRE",
            weight=1,
            attrs={"age_range": ("3-5",), "material": ("beech-wood",)},
            scenes=pairs(
                "imaginative play || 想象力游戏",
                "playdates || 小伙伴聚会",
                "quiet mornings || 安静的早晨",
            ),
            traits=pairs("imaginative || 富有想象力", "charming || 可爱", "sturdy || 结实"),
            features=feats(
                "FSC wood | Made from responsibly sourced wood. || FSC木材 | 木材来源可持续。",
            ),
            kinds=(
                Kind(
                    key="kitchen",
                    noun="Play Kitchen",
                    noun_zh="儿童厨房玩具",
                    price=(60, 180),
                    features=feats(
                        "Clicking knobs | Knobs that click and a light-up hob. "
                        "|| 仿真旋钮 | 旋钮会咔嗒响，灶台还会亮。",
                    ),
                ),
                Kind(
                    key="train",
                    noun="Wooden Train Set",
                    noun_zh="木质小火车",
                    price=(30, 100),
                    attrs={"piece_count": (40, 60, 80)},
                    title_spec=("piece_count",),
                ),
                Kind(
                    key="doctor",
                    noun="Doctor Play Set",
                    noun_zh="医生玩具套装",
                    price=(18, 45),
                    attrs={"material": ("abs-plastic",)},
                ),
            ),
        ),
    ),
)

BOOKS = Top(
    slug="books-stationery",
    name="Books & Stationery",
    name_zh="图书文具",
    description=pair(
        "Books, notebooks, pens, art supplies and desk accessories. "
        "|| 图书、笔记本、笔类、美术用品与桌面文具。"
    ),
    schema=schema(),
    attrs={},
    model_words=words(
        "Folio||对开",
        "Margin||页边",
        "Quire||书帖",
        "Inkling||墨迹",
        "Vellum||羊皮",
        "Sketch||速写",
        "Draft||草稿",
        "Ledger||账簿",
        "Jotter||便笺",
        "Scribe||书写",
    ),
    model_suffixes=("", "", "Classic", "Studio", "Pocket", "Pro"),
    features=feats(
        "Plastic-free packaging | It ships wrapped in paper, not plastic. "
        "|| 无塑包装 | 用纸质包装寄出，不用塑料。",
    ),
    closers=pairs(
        "Ships flat in a protective mailer. || 平整打包，外加保护袋寄出。",
        "A lovely gift for students and writers. || 送给学生和写作者都很合适。",
    ),
    praise=pairs(
        "Beautifully made. || 做得很精美。",
        "Exactly what I was looking for. || 正是我一直在找的。",
        "I've already ordered a second one. || 已经回购第二个了。",
    ),
    gripes=pairs(
        "Arrived with a bent corner. || 收到时有个角被压弯了。",
        "Not as good as I'd hoped. || 没有预期的好。",
        "Pricey for what it is. || 这个价位略贵。",
    ),
    leaves=(
        Leaf(
            slug="books",
            name="Books",
            name_zh="图书",
            code="BOK",
            weight=3,
            schema=schema("genre!", "book_language!", "book_format", "page_count"),
            attrs={
                "book_language": ("en", "en", "zh", "bilingual"),
                "book_format": ("paperback", "paperback", "hardcover"),
                "page_count": N(120, 480, 8),
            },
            scenes=pairs(
                "long train journeys || 长途火车旅行",
                "rainy weekends || 下雨的周末",
                "bedtime reading || 睡前阅读",
                "book clubs || 读书会",
            ),
            traits=pairs("absorbing || 引人入胜", "thoughtful || 发人深省", "warm || 温暖"),
            features=feats(
                "FSC paper | Printed on paper from responsibly managed forests. "
                "|| FSC纸张 | 采用负责任管理森林的纸张。",
                "{page_count} pages | {page_count} pages, typeset for comfortable reading. "
                "|| 共{page_count}页 | 全书{page_count}页，排版疏朗，读来舒适。",
                "[book_format=hardcover] Cloth-bound hardcover | Cloth-bound with a ribbon "
                "marker. || 布面精装 | 布面精装，附丝带书签。",
                "[book_language=bilingual] Parallel text | English and Chinese on facing pages. "
                "|| 中英对照 | 中英文左右对照排版。",
            ),
            kinds=(
                Kind(
                    key="novel",
                    noun="Novel",
                    noun_zh="长篇小说",
                    price=(10, 28),
                    weight=3,
                    naming="book",
                    attrs={"genre": ("fiction",)},
                    features=feats(
                        "Debut novel | A debut that booksellers have been pressing into "
                        "customers' hands. || 处女作 | 一部书店店员争相推荐的处女作。",
                        "Family saga | A family saga spanning three generations. "
                        "|| 家族史诗 | 横跨三代人的家族故事。",
                        "Book-club pick | Discussion questions at the back for book clubs. "
                        "|| 读书会推荐 | 书末附读书会讨论题。",
                    ),
                ),
                Kind(
                    key="cookbook",
                    noun="Cookbook",
                    noun_zh="菜谱",
                    price=(18, 45),
                    naming="book",
                    attrs={"genre": ("cookbook",), "book_format": ("hardcover",)},
                    features=feats(
                        "Eighty recipes | Eighty recipes, each with a photograph. "
                        "|| 80道菜谱 | 收录80道菜，每道都配有成品图。",
                        "Weeknight-friendly | Most dishes take under forty minutes. "
                        "|| 快手菜 | 大多数菜40分钟内就能完成。",
                    ),
                ),
                Kind(
                    key="travel",
                    noun="Travel Guide",
                    noun_zh="旅行指南",
                    price=(14, 32),
                    naming="book",
                    attrs={"genre": ("travel",), "book_format": ("paperback",)},
                    features=feats(
                        "Fold-out maps | Fold-out maps and walking routes. "
                        "|| 折页地图 | 附折页地图与步行路线。",
                    ),
                ),
                Kind(
                    key="picture-book",
                    noun="Picture Book",
                    noun_zh="儿童绘本",
                    price=(9, 22),
                    naming="book",
                    attrs={
                        "genre": ("picture-book",),
                        "book_format": ("hardcover",),
                        "page_count": N(24, 48, 8),
                    },
                    scenes=pairs("bedtime stories || 睡前故事", "reading aloud || 亲子共读"),
                    features=feats(
                        "Read-aloud rhythm | Rhyming text that's a joy to read aloud. "
                        "|| 朗朗上口 | 押韵的文字，读出来朗朗上口。",
                        "Hand-painted illustrations | Every spread is hand-painted in "
                        "watercolour. || 手绘插图 | 每一页都是水彩手绘。",
                    ),
                ),
                Kind(
                    key="science",
                    noun="Popular Science Book",
                    noun_zh="科普读物",
                    price=(14, 35),
                    naming="book",
                    attrs={"genre": ("popular-science",)},
                    features=feats(
                        "Big ideas, plainly told | Big ideas explained without jargon. "
                        "|| 深入浅出 | 用通俗语言讲清宏大的科学概念。",
                    ),
                ),
            ),
        ),
        Leaf(
            slug="notebooks",
            name="Notebooks & Planners",
            name_zh="笔记本手帐",
            code="NTB",
            weight=2,
            schema=schema("color", "ruling", "paper_size", "page_count"),
            attrs={
                "color": ("black", "navy", "sage", "burgundy", "mustard", "cream", "teal"),
                "paper_size": ("a5", "a5", "a6", "a4"),
                "page_count": (96, 160, 192, 240),
            },
            scenes=pairs(
                "bullet journaling || 子弹笔记",
                "meeting notes || 会议记录",
                "daily to-do lists || 每日待办",
                "sketching ideas || 随手记录灵感",
            ),
            traits=pairs("handsome || 精美", "durable || 耐用", "minimal || 简约"),
            features=feats(
                "FSC paper | Printed on paper from responsibly managed forests. "
                "|| FSC纸张 | 采用负责任管理森林的纸张。",
                "100 gsm paper | 100 gsm paper that fountain pens don't bleed through. "
                "|| 100克纸 | 100克纸张，钢笔书写也不洇不透。",
                "Lay-flat binding | Opens fully flat for writing across both pages. "
                "|| 平摊装订 | 可完全平摊，跨页书写无压力。",
                "[ruling=dot] Dot grid | A subtle dot grid for lists, layouts and sketches. "
                "|| 点阵内页 | 淡雅点阵，记清单、做排版、画草图都方便。",
                "[ruling=lined] Ruled lines | Feint 6 mm lines that guide without shouting. "
                "|| 横线内页 | 6毫米浅色横线，引导书写又不抢眼。",
                "[ruling=grid] Grid pages | 5 mm squares for diagrams and tables. "
                "|| 方格内页 | 5毫米方格，画图表很方便。",
                "Numbered pages | Numbered pages and an index at the front. "
                "|| 页码索引 | 带页码，前面还有索引页。",
            ),
            kinds=(
                Kind(
                    key="hardcover",
                    noun="Hardcover Notebook",
                    noun_zh="硬壳笔记本",
                    price=(10, 32),
                    weight=2,
                    attrs={"ruling": ("lined", "dot", "grid", "blank")},
                ),
                Kind(
                    key="journal",
                    noun="Dot Grid Journal",
                    noun_zh="点阵手帐本",
                    price=(14, 35),
                    attrs={"ruling": ("dot",)},
                ),
                Kind(
                    key="planner",
                    noun="Undated Weekly Planner",
                    noun_zh="无日期周计划本",
                    price=(12, 30),
                    attrs={"ruling": ("lined",)},
                    features=feats(
                        "Start any week | Undated, so you can start any week of the year. "
                        "|| 随时开始 | 无日期设计，一年中任何一周都能开始用。",
                    ),
                ),
            ),
        ),
        Leaf(
            slug="pens",
            name="Pens & Writing",
            name_zh="笔类书写",
            code="PEN",
            weight=2,
            schema=schema("ink_color", "tip_size", "piece_count"),
            attrs={
                "ink_color": ("black", "black", "blue", "assorted"),
                "tip_size": (0.38, 0.5, 0.7),
                "piece_count": (1, 3, 5, 10),
            },
            scenes=pairs(
                "note-taking || 记笔记",
                "journaling || 写手帐",
                "signing cards || 写贺卡",
                "long exams || 长时间考试",
            ),
            traits=pairs("smooth || 顺滑", "reliable || 稳定", "precise || 精准"),
            features=feats(
                "Quick-drying ink | Quick-drying ink that left-handers will appreciate. "
                "|| 速干墨水 | 墨水干得快，左撇子也不蹭手。",
                "{tip_size} mm tip | A {tip_size} mm tip for crisp, even lines. "
                "|| {tip_size}毫米笔尖 | {tip_size}毫米笔尖，线条清晰均匀。",
            ),
            kinds=(
                Kind(
                    key="gel",
                    noun="Gel Pen Set",
                    noun_zh="中性笔套装",
                    price=(6, 20),
                    weight=2,
                    attrs={"piece_count": (5, 10, 12)},
                    title_spec=("piece_count",),
                ),
                Kind(
                    key="fountain",
                    noun="Fountain Pen",
                    noun_zh="钢笔",
                    price=(15, 120),
                    attrs={"piece_count": (1,), "ink_color": ("black", "blue")},
                    features=feats(
                        "Converter included | Takes cartridges or bottled ink with the included "
                        "converter. || 附上墨器 | 可用墨囊，也可用附赠的上墨器吸瓶装墨水。",
                    ),
                ),
                Kind(
                    key="fineliner",
                    noun="Fineliner Set",
                    noun_zh="针管笔套装",
                    price=(8, 30),
                    attrs={"tip_size": (0.3, 0.5), "ink_color": ("black", "assorted")},
                    title_spec=("piece_count",),
                ),
            ),
        ),
        Leaf(
            slug="art-supplies",
            name="Art Supplies",
            name_zh="美术用品",
            code="ART",
            weight=2,
            schema=schema("piece_count", "paper_size"),
            attrs={"piece_count": (12, 24, 36, 48), "paper_size": None},
            scenes=pairs(
                "plein-air painting || 户外写生",
                "weekend art projects || 周末手工",
                "art classes || 美术课",
            ),
            traits=pairs("vibrant || 鲜艳", "rich || 饱满", "artist-grade || 专业级"),
            features=feats(
                "Lightfast pigments | Lightfast pigments that won't fade on the wall. "
                "|| 耐光颜料 | 耐光颜料，挂在墙上也不易褪色。",
                "{piece_count} colours | {piece_count} colours that mix cleanly. "
                "|| {piece_count}色 | {piece_count}种颜色，混色干净不发灰。",
            ),
            kinds=(
                Kind(
                    key="watercolour",
                    noun="Watercolour Paint Set",
                    noun_zh="水彩颜料套装",
                    price=(15, 70),
                    title_spec=("piece_count",),
                ),
                Kind(
                    key="pencils",
                    noun="Coloured Pencil Set",
                    noun_zh="彩色铅笔套装",
                    price=(10, 55),
                    title_spec=("piece_count",),
                ),
                Kind(
                    key="sketchbook",
                    noun="Sketchbook",
                    noun_zh="素描本",
                    price=(8, 28),
                    attrs={"piece_count": None, "paper_size": ("a4", "a5")},
                    features=feats(
                        "Heavyweight paper | 160 gsm paper takes pencil, ink and light washes. "
                        "|| 厚纸 | 160克纸，铅笔、钢笔、淡彩都能用。",
                    ),
                ),
            ),
        ),
        Leaf(
            slug="desk-accessories",
            name="Desk Accessories",
            name_zh="桌面文具",
            code="DSK",
            weight=1,
            schema=schema("color", "material"),
            attrs={
                "color": ("black", "white", "sage", "tan", "grey"),
                "material": ("bamboo", "leather", "aluminium", "beech-wood"),
            },
            scenes=pairs(
                "home offices || 家庭办公室",
                "shared desks || 共享办公桌",
                "students' rooms || 学生宿舍",
            ),
            traits=pairs("tidy || 整洁", "handsome || 好看", "practical || 实用"),
            features=feats(
                "Non-slip base | A cork base keeps it from sliding. "
                "|| 防滑底 | 软木底座，不会在桌面上滑动。",
            ),
            kinds=(
                Kind(key="organiser", noun="Desk Organiser", noun_zh="桌面收纳架", price=(15, 50)),
                Kind(
                    key="mat",
                    noun="Desk Mat",
                    noun_zh="桌垫",
                    price=(15, 45),
                    attrs={"material": ("leather",)},
                ),
                Kind(
                    key="bookends",
                    noun="Bookends",
                    noun_zh="书立",
                    price=(15, 40),
                    article="a pair of",
                    plural="bookends",
                    attrs={"material": ("beech-wood", "aluminium")},
                ),
            ),
        ),
    ),
)

PETS = Top(
    slug="pet-supplies",
    name="Pet Supplies",
    name_zh="宠物用品",
    description=pair(
        "Food, beds, toys and walking gear for dogs and cats. "
        "|| 狗狗与猫咪的食品、窝垫、玩具和出行用品。"
    ),
    schema=schema("pet_type!", "pet_size", "material", "color"),
    attrs={
        "pet_type": ("dog", "cat"),
        "pet_size": ("small", "medium", "large"),
        "material": ("nylon", "recycled-polyester", "rubber"),
        "color": ("grey", "navy", "sage", "tan", "red", "mustard", "teal"),
    },
    model_words=words(
        "Biscuit||饼干",
        "Waggle||摇尾",
        "Pounce||扑扑",
        "Snuggle||依偎",
        "Fetch||叼回",
        "Whisker||胡须",
        "Pawprint||爪印",
        "Nibble||轻啃",
        "Scout||斥候",
        "Hazel||榛子",
    ),
    model_suffixes=("", "", "Plus", "Comfort", "Active", "Classic"),
    features=feats(
        "Vet-approved | Designed with input from practising vets. "
        "|| 兽医认可 | 在执业兽医的建议下设计。",
        "[material=*] Pet-safe materials | Non-toxic materials throughout. "
        "|| 安全材质 | 全部采用无毒材料。",
    ),
    closers=pairs(
        "Supervise your pet with any new product at first. || 初次使用新产品时请在旁看护。",
        "Happy-pet guarantee: unused items can be returned within 30 days. "
        "|| 萌宠满意保障：未使用商品30天内可退。",
    ),
    praise=pairs(
        "My dog absolutely loves it. || 我家狗狗超级喜欢。",
        "The cat took to it straight away. || 猫咪一下子就接受了。",
        "Well made and survived a determined chewer. || 做工好，连爱咬东西的狗都没咬坏。",
    ),
    gripes=pairs(
        "My pet ignored it completely. || 我家宠物完全不感兴趣。",
        "Torn to pieces within a day. || 不到一天就被撕烂了。",
        "Smaller than expected. || 比想象的小。",
    ),
    leaves=(
        Leaf(
            slug="pet-food",
            name="Pet Food & Treats",
            name_zh="宠物食品",
            code="PFD",
            weight=3,
            schema=schema("flavor!", "life_stage", "net_weight", "diet"),
            attrs={
                "material": None,
                "color": None,
                "flavor": ("chicken", "salmon", "beef", "lamb", "duck", "turkey"),
                "life_stage": ("young", "adult", "adult", "senior"),
                "net_weight": (1500, 2000, 6000, 12000),
                "diet": ("classic", "gluten-free", "high-protein"),
            },
            scenes=pairs(
                "everyday feeding || 日常喂养",
                "picky eaters || 挑食的毛孩子",
                "sensitive tummies || 肠胃敏感",
            ),
            traits=pairs("nutritious || 营养", "tasty || 美味", "wholesome || 健康"),
            features=feats(
                "Real {flavor} first | Real {flavor} is the first ingredient. "
                "|| 真{flavor}为首 | 配料表第一位是真正的{flavor}。",
                "[diet=gluten-free] Grain-free | No wheat, corn or soy. "
                "|| 无谷配方 | 不含小麦、玉米和大豆。",
                "[diet=high-protein] High protein | Extra protein for active pets. "
                "|| 高蛋白 | 更高蛋白含量，适合活泼好动的宠物。",
                "[life_stage=young] Growth formula | DHA for growing brains and eyes. "
                "|| 成长配方 | 添加DHA，助力大脑和视力发育。",
                "[life_stage=senior] Joint support | Glucosamine supports ageing joints. "
                "|| 关节养护 | 添加氨糖，呵护老年关节。",
                "No artificial colours | No artificial colours or preservatives. "
                "|| 无人工添加 | 不添加人工色素与防腐剂。",
            ),
            kinds=(
                Kind(
                    key="dry-dog",
                    noun="Dry Dog Food",
                    noun_zh="狗粮",
                    price=(18, 75),
                    article="a bag of",
                    plural="dry dog food",
                    weight=2,
                    attrs={"pet_type": ("dog",)},
                    title_spec=("net_weight",),
                ),
                Kind(
                    key="dry-cat",
                    noun="Dry Cat Food",
                    noun_zh="猫粮",
                    price=(15, 60),
                    article="a bag of",
                    plural="dry cat food",
                    weight=2,
                    attrs={
                        "pet_type": ("cat",),
                        "pet_size": None,
                        "flavor": ("chicken", "salmon", "duck", "turkey"),
                        "net_weight": (1500, 2000, 4000),
                    },
                    title_spec=("net_weight",),
                ),
                Kind(
                    key="treats",
                    noun="Training Treats",
                    noun_zh="训练零食",
                    price=(6, 18),
                    article="a bag of",
                    plural="training treats",
                    attrs={"net_weight": (150, 200, 300), "pet_size": None},
                    scenes=pairs(
                        "training rewards || 训练奖励",
                        "puppy classes || 幼犬训练课",
                        "picky eaters || 挑食的毛孩子",
                    ),
                    features=feats(
                        "Bite-sized | Small enough for rapid-fire rewards. "
                        "|| 小颗粒 | 颗粒小，训练时可以连续奖励。",
                    ),
                ),
            ),
        ),
        Leaf(
            slug="cat-supplies",
            name="Cat Supplies",
            name_zh="猫咪用品",
            code="CAT",
            weight=2,
            attrs={"pet_type": ("cat",), "pet_size": None, "material": ("cardboard", "plush")},
            scenes=pairs(
                "indoor cats || 室内猫",
                "multi-cat homes || 多猫家庭",
                "small apartments || 小户型",
            ),
            traits=pairs("sturdy || 稳固", "cat-approved || 猫咪认可", "stylish || 好看"),
            features=feats(
                "Saves your sofa | Gives claws somewhere better to go than the sofa. "
                "|| 保护沙发 | 给猫爪一个比沙发更好的去处。",
            ),
            kinds=(
                Kind(
                    key="scratcher",
                    noun="Scratching Post",
                    noun_zh="猫抓柱",
                    price=(15, 55),
                    attrs={"material": ("cardboard", "canvas")},
                    features=feats(
                        "Sisal-wrapped | Natural sisal that cats love to dig into. "
                        "|| 剑麻缠绕 | 天然剑麻，猫咪最爱抓。",
                    ),
                ),
                Kind(
                    key="tree",
                    noun="Cat Tree",
                    noun_zh="猫爬架",
                    price=(45, 180),
                    attrs={"material": ("plush",)},
                    features=feats(
                        "Three levels | Three perches, a hideaway and a hammock. "
                        "|| 三层结构 | 三个平台、一个猫窝和一个吊床。",
                    ),
                ),
                Kind(
                    key="litter",
                    noun="Clumping Cat Litter",
                    noun_zh="结团猫砂",
                    price=(10, 30),
                    article="a bag of",
                    plural="clumping cat litter",
                    attrs={"material": None, "color": None},
                    features=feats(
                        "Tight clumps | Forms tight clumps for easy scooping. "
                        "|| 结团快 | 结团紧实，铲起来方便。",
                        "Low dust | Low-dust formula for cleaner paws. "
                        "|| 低粉尘 | 低粉尘配方，猫爪更干净。",
                    ),
                ),
            ),
        ),
        Leaf(
            slug="pet-beds",
            name="Pet Beds",
            name_zh="宠物窝垫",
            code="PBD",
            weight=2,
            attrs={"material": ("plush", "recycled-polyester", "fleece")},
            scenes=pairs(
                "long naps || 长长的午觉",
                "older pets || 年长的宠物",
                "anxious pets || 容易紧张的宠物",
            ),
            traits=pairs("cosy || 温暖", "supportive || 支撑好", "calming || 安抚"),
            features=feats(
                "Washable cover | The cover zips off and goes in the machine. "
                "|| 外套可洗 | 外套可拆，直接机洗。",
                "Non-slip base | A grippy base stays put on wooden floors. "
                "|| 防滑底 | 底部防滑，木地板上也不跑。",
            ),
            kinds=(
                Kind(
                    key="orthopedic",
                    noun="Orthopaedic Dog Bed",
                    noun_zh="记忆棉狗窝",
                    price=(40, 150),
                    attrs={"pet_type": ("dog",)},
                    features=feats(
                        "Memory foam | Memory foam eases pressure on stiff joints. "
                        "|| 记忆棉 | 记忆棉分散压力，呵护僵硬的关节。",
                    ),
                ),
                Kind(
                    key="donut",
                    noun="Calming Donut Bed",
                    noun_zh="甜甜圈安抚窝",
                    price=(25, 80),
                    features=feats(
                        "Raised rim | A raised rim to rest a chin on. "
                        "|| 高边设计 | 环形高边，可以把下巴搭在上面。",
                    ),
                ),
                Kind(
                    key="cave",
                    noun="Cat Cave",
                    noun_zh="猫窝",
                    price=(25, 70),
                    attrs={"pet_type": ("cat",), "pet_size": ("small",)},
                ),
            ),
        ),
        Leaf(
            slug="pet-toys",
            name="Pet Toys",
            name_zh="宠物玩具",
            code="PTY",
            weight=2,
            scenes=pairs(
                "rainy-day boredom || 下雨天无聊时",
                "puppy teething || 幼犬换牙期",
                "home-alone hours || 独自在家时",
            ),
            traits=pairs("tough || 耐咬", "engaging || 有趣", "interactive || 互动"),
            features=feats(
                "Keeps them busy | Keeps pets occupied while you work. "
                "|| 打发时间 | 你工作时，它也有事可做。",
            ),
            kinds=(
                Kind(
                    key="chew",
                    noun="Chew Toy",
                    noun_zh="磨牙玩具",
                    price=(8, 25),
                    attrs={"pet_type": ("dog",), "material": ("rubber",)},
                    features=feats(
                        "Tough rubber | Natural rubber for power chewers. "
                        "|| 耐咬橡胶 | 天然橡胶，经得起大力啃咬。",
                    ),
                ),
                Kind(
                    key="puzzle",
                    noun="Treat Puzzle",
                    noun_zh="漏食益智玩具",
                    price=(12, 35),
                    attrs={"material": ("recycled-plastic",)},
                    features=feats(
                        "Slows fast eaters | Turns a meal into a game and slows gulping. "
                        "|| 减缓进食 | 把吃饭变成游戏，防止狼吞虎咽。",
                    ),
                ),
                Kind(
                    key="wand",
                    noun="Feather Wand",
                    noun_zh="逗猫棒",
                    price=(6, 18),
                    attrs={"pet_type": ("cat",), "pet_size": None, "material": ("nylon",)},
                ),
            ),
        ),
        Leaf(
            slug="walking",
            name="Leads, Collars & Harnesses",
            name_zh="牵引用品",
            code="LSH",
            weight=2,
            attrs={"pet_type": ("dog",), "material": ("nylon", "recycled-polyester", "leather")},
            scenes=pairs(
                "daily walks || 每天遛狗",
                "hiking with your dog || 带狗徒步",
                "night walks || 夜间遛狗",
            ),
            traits=pairs("secure || 牢固", "comfortable || 舒适", "reflective || 反光"),
            features=feats(
                "Reflective stitching | Reflective stitching for dark evenings. "
                "|| 反光车线 | 反光缝线，夜晚遛狗更安全。",
                "Rust-proof hardware | Aluminium hardware that won't rust. "
                "|| 防锈配件 | 铝合金五金件，不生锈。",
            ),
            kinds=(
                Kind(
                    key="harness",
                    noun="No-Pull Harness",
                    noun_zh="防暴冲胸背带",
                    price=(20, 60),
                    weight=2,
                    features=feats(
                        "Front clip | A front clip gently discourages pulling. "
                        "|| 前胸牵引扣 | 前胸牵引扣，温和纠正暴冲。",
                    ),
                ),
                Kind(key="lead", noun="Dog Lead", noun_zh="牵引绳", price=(12, 40)),
                Kind(key="collar", noun="Dog Collar", noun_zh="狗项圈", price=(10, 35)),
            ),
        ),
    ),
)

GROCERY = Top(
    slug="grocery",
    name="Tea, Coffee & Pantry",
    name_zh="茶咖食品",
    description=pair(
        "Loose-leaf tea, fresh-roasted coffee, snacks and pantry staples. "
        "|| 原叶茶、新鲜烘焙咖啡、零食与厨房必备。"
    ),
    schema=schema("origin", "net_weight", "organic", "diet"),
    attrs={
        "organic": ("yes", "no", "no"),
        "net_weight": (100, 200, 250),
        "diet": ("vegan", "classic"),
        "origin": ("local",),
    },
    model_words=words(
        "Misty Peak||雾峰",
        "Cloud Terrace||云台",
        "Morning Dew||晨露",
        "Old Tree||古树",
        "Spring Bud||春芽",
        "Golden Hill||金山",
        "Bamboo Grove||竹林",
        "Stone Well||石井",
        "Red Lantern||红灯笼",
        "Orchard Lane||果园巷",
        "Harvest Moon||丰收月",
        "Jade Brook||玉溪",
    ),
    model_suffixes=("", "", "", "Reserve", "Select", "No. 1"),
    features=feats(
        "Freshly packed | Packed in small batches and dated on the pack. "
        "|| 新鲜分装 | 小批量分装，包装上印有日期。",
        "[organic=yes] Certified organic | Certified organic from field to pack. "
        "|| 有机认证 | 从种植到包装全程有机认证。",
        "Resealable pouch | A resealable pouch keeps it fresh. "
        "|| 可重复密封 | 自封袋包装，开封后也能保持新鲜。",
    ),
    closers=pairs(
        "Store in a cool, dry place away from sunlight. || 请存放于阴凉干燥处，避免阳光直射。",
        "Best enjoyed within three months of opening. || 开封后三个月内风味最佳。",
        "Sourced directly from growers we know by name. || 直接向我们熟识的种植者采购。",
    ),
    praise=pairs(
        "Delicious — I'm on my third bag. || 太好喝了，已经是第三袋了。",
        "Fresh and full of flavour. || 新鲜，风味十足。",
        "Better than anything from the supermarket. || 比超市买的好太多了。",
    ),
    gripes=pairs(
        "Flavour was flatter than I'd hoped. || 风味比预期的平淡。",
        "The bag arrived torn. || 收到时袋子破了。",
        "A bit pricey for the amount. || 这个分量略贵。",
    ),
    leaves=(
        Leaf(
            slug="tea",
            name="Tea",
            name_zh="茶叶",
            code="TEA",
            weight=3,
            schema=schema("tea_type!"),
            attrs={"net_weight": (50, 100, 100, 250), "diet": ("vegan",)},
            scenes=pairs(
                "slow mornings || 悠闲的早晨",
                "an afternoon pick-me-up || 下午提神",
                "sharing with friends || 与朋友分享",
                "gongfu brewing || 功夫泡",
            ),
            traits=pairs("fragrant || 清香", "smooth || 顺滑", "layered || 层次丰富"),
            features=feats(
                "Whole leaves | Whole leaves that unfurl over several infusions. "
                "|| 完整叶片 | 叶片完整，可多次冲泡，慢慢舒展。",
                "Hand-picked | Picked by hand in early spring. || 手工采摘 | 早春时节手工采摘。",
                "[tea_type=green] Brew cooler | Brew at 80 °C for two minutes to keep it sweet. "
                "|| 低温冲泡 | 80°C水冲泡两分钟，口感更清甜。",
                "[tea_type=black] Malty and honeyed | Malty, with a honeyed finish. "
                "|| 麦芽蜜香 | 带麦芽香，回味有蜜甜。",
                "[tea_type=oolong] Orchid notes | Lightly roasted with orchid notes. "
                "|| 兰花香 | 轻焙火，带兰花香气。",
                "[tea_type=white] Delicate and sweet | Silvery buds with a delicate sweetness. "
                "|| 清甜细腻 | 满披白毫，滋味清甜细腻。",
                "[tea_type=pu-erh] Earthy depth | Aged for depth and a smooth, earthy body. "
                "|| 陈香醇厚 | 经陈化，滋味醇厚，带陈香。",
                "[tea_type=jasmine] Scented seven times | Layered with fresh jasmine blossoms "
                "seven times. || 七窨 | 以新鲜茉莉花反复窨制七次。",
                "[tea_type=herbal] Caffeine-free | Naturally caffeine-free, for evenings. "
                "|| 无咖啡因 | 天然不含咖啡因，晚上喝也无妨。",
            ),
            kinds=(
                Kind(
                    key="green",
                    noun="Green Tea",
                    noun_zh="绿茶",
                    price=(9, 45),
                    article="a",
                    attrs={"tea_type": ("green",), "origin": ("zhejiang", "anhui", "japan")},
                    qualifiers=quals(
                        "[origin=zhejiang] Zhejiang || 浙江",
                        "[origin=anhui] Anhui || 安徽",
                        "[origin=japan] Japanese || 日本",
                    ),
                    title_spec=("net_weight",),
                ),
                Kind(
                    key="black",
                    noun="Black Tea",
                    noun_zh="红茶",
                    price=(8, 40),
                    attrs={
                        "tea_type": ("black",),
                        "origin": ("yunnan", "fujian", "sri-lanka", "kenya"),
                    },
                    qualifiers=quals(
                        "[origin=yunnan] Yunnan || 云南",
                        "[origin=fujian] Fujian || 福建",
                        "[origin=sri-lanka] Ceylon || 锡兰",
                        "[origin=kenya] Kenyan || 肯尼亚",
                    ),
                    title_spec=("net_weight",),
                ),
                Kind(
                    key="oolong",
                    noun="Oolong Tea",
                    noun_zh="乌龙茶",
                    price=(12, 55),
                    attrs={"tea_type": ("oolong",), "origin": ("fujian",)},
                    qualifiers=quals("Roasted || 炭焙", "High-Mountain || 高山"),
                    title_spec=("net_weight",),
                ),
                Kind(
                    key="white",
                    noun="White Tea",
                    noun_zh="白茶",
                    price=(14, 60),
                    attrs={"tea_type": ("white",), "origin": ("fujian", "yunnan")},
                    qualifiers=quals("Silver Needle || 银针"),
                    title_spec=("net_weight",),
                ),
                Kind(
                    key="puerh",
                    noun="Pu-erh Tea",
                    noun_zh="普洱茶",
                    price=(15, 80),
                    attrs={"tea_type": ("pu-erh",), "origin": ("yunnan",)},
                    qualifiers=quals("Ripe || 熟茶", "Raw || 生茶"),
                    title_spec=("net_weight",),
                ),
                Kind(
                    key="jasmine",
                    noun="Jasmine Tea",
                    noun_zh="茉莉花茶",
                    price=(9, 38),
                    attrs={"tea_type": ("jasmine",), "origin": ("fujian",)},
                    qualifiers=quals("Pearl || 龙珠"),
                    title_spec=("net_weight",),
                ),
                Kind(
                    key="herbal",
                    noun="Herbal Infusion",
                    noun_zh="花草茶",
                    price=(7, 25),
                    article="an",
                    attrs={"tea_type": ("herbal",), "origin": ("local", "sri-lanka")},
                    qualifiers=quals(
                        "Chamomile || 洋甘菊", "Peppermint || 薄荷", "Rooibos || 路易波士"
                    ),
                    title_spec=("net_weight",),
                ),
            ),
        ),
        Leaf(
            slug="coffee",
            name="Coffee",
            name_zh="咖啡",
            code="COF",
            weight=3,
            schema=schema("roast!", "coffee_form!"),
            attrs={
                "roast": ("light", "medium", "medium", "dark"),
                "coffee_form": ("whole-bean", "whole-bean", "ground", "drip-bag"),
                "net_weight": (200, 250, 500, 1000),
                "diet": ("vegan",),
            },
            scenes=pairs(
                "pour-over mornings || 手冲的早晨",
                "espresso at home || 在家做意式",
                "the office coffee corner || 办公室咖啡角",
                "weekend brunch || 周末早午餐",
            ),
            traits=pairs("bright || 明亮", "balanced || 平衡", "full-bodied || 醇厚"),
            features=feats(
                "Roasted to order | Roasted within a week of shipping. "
                "|| 现烘现发 | 发货前一周内烘焙。",
                "[roast=light] Bright and fruity | A light roast that keeps the fruit and "
                "florals. || 明亮果香 | 浅烘保留果酸与花香。",
                "[roast=medium] Chocolate and caramel | A medium roast with chocolate and "
                "caramel notes. || 巧克力焦糖 | 中烘，带巧克力与焦糖风味。",
                "[roast=dark] Bold and smoky | A dark roast that stands up to milk. "
                "|| 浓郁烟熏 | 深烘口感浓郁，加奶也压得住。",
                "[coffee_form=drip-bag] Drip bags | Hook a bag over your cup and pour — no "
                "equipment needed. || 挂耳 | 挂在杯口直接注水，无需任何器具。",
                "[coffee_form=whole-bean] Whole bean | Grind just before brewing for the best "
                "flavour. || 咖啡豆 | 现磨现冲，风味最佳。",
                "[coffee_form=ground] Ground for filter | Medium grind for filter and "
                "cafetière. || 研磨粉 | 中度研磨，适合滤杯和法压壶。",
            ),
            kinds=(
                Kind(
                    key="single-origin",
                    noun="Single-Origin Coffee",
                    noun_zh="单品咖啡",
                    price=(12, 40),
                    weight=2,
                    attrs={"origin": ("ethiopia", "colombia", "kenya", "guatemala", "yunnan")},
                    qualifiers=quals(
                        "[origin=ethiopia] Ethiopia || 埃塞俄比亚",
                        "[origin=colombia] Colombia || 哥伦比亚",
                        "[origin=kenya] Kenya || 肯尼亚",
                        "[origin=guatemala] Guatemala || 危地马拉",
                        "[origin=yunnan] Yunnan || 云南",
                    ),
                    title_spec=("net_weight",),
                ),
                Kind(
                    key="espresso",
                    noun="Espresso Blend",
                    noun_zh="意式拼配咖啡",
                    price=(10, 36),
                    attrs={"origin": ("brazil", "colombia"), "roast": ("medium", "dark")},
                    title_spec=("net_weight",),
                ),
                Kind(
                    key="decaf",
                    noun="Decaf Coffee",
                    noun_zh="低因咖啡",
                    price=(11, 32),
                    attrs={"origin": ("colombia", "brazil")},
                    features=feats(
                        "Swiss-water decaf | Decaffeinated with water only, no solvents. "
                        "|| 瑞士水处理 | 仅用水脱除咖啡因，不使用化学溶剂。",
                    ),
                ),
            ),
        ),
        Leaf(
            slug="snacks",
            name="Snacks & Sweets",
            name_zh="零食",
            code="SNA",
            weight=2,
            attrs={
                "diet": ("vegan", "gluten-free", "low-sugar", "high-protein", "classic"),
                "net_weight": (80, 150, 250, 500),
            },
            scenes=pairs(
                "afternoon slumps || 下午犯困时",
                "road trips || 自驾途中",
                "movie nights || 电影之夜",
                "lunchboxes || 午餐便当",
            ),
            traits=pairs("moreish || 停不下来", "crunchy || 香脆", "wholesome || 健康"),
            features=feats(
                "[diet=low-sugar] Low sugar | Less than 5 g of sugar per serving. "
                "|| 低糖 | 每份含糖不到5克。",
                "[diet=gluten-free] Gluten-free | Made without gluten. || 无麸质 | 不含麸质。",
                "[diet=high-protein] Protein-packed | Ten grams of protein per serving. "
                "|| 高蛋白 | 每份含10克蛋白质。",
                "No palm oil | Made without palm oil. || 不含棕榈油 | 不使用棕榈油。",
            ),
            kinds=(
                Kind(
                    key="nuts",
                    noun="Roasted Nut Mix",
                    noun_zh="烘焙综合坚果",
                    price=(6, 22),
                    attrs={"origin": ("local",)},
                    qualifiers=quals("Sea Salt || 海盐", "Honey-Roasted || 蜂蜜烘烤"),
                    title_spec=("net_weight",),
                ),
                Kind(
                    key="chocolate",
                    noun="Dark Chocolate Bar",
                    noun_zh="黑巧克力",
                    price=(3, 12),
                    attrs={
                        "origin": ("colombia", "brazil", "guatemala"),
                        "net_weight": (80, 100),
                    },
                    qualifiers=quals("70% || 70%", "85% || 85%", "Sea Salt || 海盐"),
                    features=feats(
                        "Single-origin cacao | Cacao from a single cooperative. "
                        "|| 单一产地可可 | 可可豆来自同一家合作社。",
                    ),
                ),
                Kind(
                    key="granola",
                    noun="Granola",
                    noun_zh="格兰诺拉麦片",
                    price=(5, 15),
                    attrs={"net_weight": (350, 500)},
                    features=feats(
                        "Big clusters | Slow-baked in big crunchy clusters. "
                        "|| 大块酥脆 | 慢火烘烤，结成大块，香脆可口。",
                    ),
                ),
                Kind(
                    key="rice-crackers",
                    noun="Rice Crackers",
                    noun_zh="米饼",
                    price=(3, 9),
                    article="a bag of",
                    plural="rice crackers",
                    attrs={"diet": ("gluten-free", "vegan")},
                    qualifiers=quals("Seaweed || 海苔", "Sesame || 芝麻"),
                ),
                Kind(
                    key="mango",
                    noun="Dried Mango",
                    noun_zh="芒果干",
                    price=(4, 12),
                    article="a bag of",
                    plural="dried mango",
                    attrs={"diet": ("vegan", "low-sugar")},
                ),
            ),
        ),
        Leaf(
            slug="pantry",
            name="Pantry",
            name_zh="调味厨房",
            code="PAN",
            weight=2,
            schema=schema("volume"),
            attrs={"volume": None, "diet": ("vegan", "classic")},
            scenes=pairs(
                "weeknight cooking || 工作日做饭",
                "dressing salads || 拌沙拉",
                "noodle nights || 吃面的夜晚",
                "weekend baking || 周末烘焙",
            ),
            traits=pairs("punchy || 够味", "versatile || 百搭", "small-batch || 小批量"),
            features=feats(
                "Short ingredient list | Five ingredients or fewer, all pronounceable. "
                "|| 配料简单 | 配料不超过五种，一看就懂。",
            ),
            kinds=(
                Kind(
                    key="olive-oil",
                    noun="Extra Virgin Olive Oil",
                    noun_zh="特级初榨橄榄油",
                    price=(10, 35),
                    article="a bottle of",
                    plural="extra virgin olive oil",
                    attrs={"volume": (500, 750, 1000), "net_weight": None, "origin": ("local",)},
                    title_spec=("volume",),
                    features=feats(
                        "Early harvest | Early-harvest olives for a peppery finish. "
                        "|| 早收 | 早收橄榄，尾韵带胡椒般的辛香。",
                    ),
                ),
                Kind(
                    key="chilli-crisp",
                    noun="Chilli Crisp",
                    noun_zh="香辣脆油辣子",
                    price=(6, 16),
                    article="a jar of",
                    plural="chilli crisp",
                    attrs={"origin": ("sichuan",), "net_weight": (200, 250)},
                    features=feats(
                        "Crunchy and numbing | Fried shallots, garlic and Sichuan pepper. "
                        "|| 香脆麻辣 | 油酥红葱、蒜酥与花椒，香脆麻辣。",
                        "Goes on everything | Spoon it on noodles, eggs or ice cream. "
                        "|| 万能拌料 | 拌面、煎蛋，甚至冰淇淋都能加一勺。",
                    ),
                ),
                Kind(
                    key="honey",
                    noun="Raw Wildflower Honey",
                    noun_zh="野花原蜜",
                    price=(8, 28),
                    article="a jar of",
                    plural="raw wildflower honey",
                    attrs={"diet": ("classic",), "net_weight": (250, 500)},
                    features=feats(
                        "Unheated | Never heated, so it keeps its floral character. "
                        "|| 未经加热 | 从不加热处理，保留原有花香。",
                    ),
                ),
                Kind(
                    key="soy",
                    noun="Naturally Brewed Soy Sauce",
                    noun_zh="古法酿造酱油",
                    price=(5, 18),
                    article="a bottle of",
                    plural="naturally brewed soy sauce",
                    attrs={"volume": (250, 500), "net_weight": None, "origin": ("fujian",)},
                    features=feats(
                        "Sun-brewed for 180 days | Brewed in the sun for 180 days. "
                        "|| 日晒180天 | 古法日晒发酵180天。",
                    ),
                ),
            ),
        ),
    ),
)

BABY = Top(
    slug="baby",
    name="Baby",
    name_zh="母婴",
    description=pair(
        "Strollers, feeding, baby clothing, changing and nursery. "
        "|| 婴儿推车、喂养、婴儿服装、换尿布与婴儿房用品。"
    ),
    schema=schema("baby_age", "material", "color"),
    attrs={
        "baby_age": ("0-6m", "6-12m", "12-24m"),
        "material": ("organic-cotton", "silicone", "bamboo"),
        "color": ("cream", "sage", "grey", "sky-blue", "pink", "mustard"),
    },
    model_words=words(
        "Lullaby||摇篮曲",
        "Cuddle||抱抱",
        "Sprout||嫩芽",
        "Dandelion||蒲公英",
        "Snug||暖暖",
        "Button||纽扣",
        "Peanut||小花生",
        "Starling||小星",
        "Honeybee||小蜜蜂",
        "Cloudlet||小云朵",
    ),
    model_suffixes=("", "", "Mini", "Comfort", "First", "Grow"),
    features=feats(
        "[material=organic-cotton,bamboo,silicone,merino-wool] Gentle on skin | Tested for "
        "delicate newborn skin. || 亲肤 | 经新生儿娇嫩肌肤测试。",
        "Parent-tested | Tried and refined by a panel of new parents. "
        "|| 父母实测 | 经新手父母试用团反复改进。",
    ),
    closers=pairs(
        "Always follow the safety instructions in the box. || 请务必遵守包装内的安全说明。",
        "A thoughtful baby-shower gift. || 作为迎婴派对礼物很贴心。",
    ),
    praise=pairs(
        "A lifesaver for sleep-deprived parents. || 睡眠不足的新手父母的救星。",
        "Our baby loves it. || 宝宝很喜欢。",
        "Well made and easy to clean. || 做工好，还容易清洁。",
    ),
    gripes=pairs(
        "Fiddly to assemble. || 组装有点麻烦。",
        "Stained after a few uses. || 用了几次就有污渍洗不掉。",
        "Outgrown faster than expected. || 宝宝很快就用不上了。",
    ),
    leaves=(
        Leaf(
            slug="strollers",
            name="Strollers",
            name_zh="婴儿推车",
            code="STR",
            weight=1,
            schema=schema("weight_kg~"),
            attrs={
                "baby_age": ("0-6m", "6-12m", "12-24m", "2-4y"),
                "material": ("aluminium",),
                "weight_kg": N(5.5, 9, 0.5),
                "color": ("black", "grey", "navy", "sage"),
            },
            scenes=pairs(
                "city errands || 城市里办事",
                "travelling with a baby || 带娃出行",
                "park walks || 公园散步",
            ),
            traits=pairs("compact || 小巧", "smooth-riding || 平稳", "lightweight || 轻便"),
            features=feats(
                "One-hand fold | Folds with one hand while you hold the baby. "
                "|| 单手收车 | 一手抱娃，一手就能收车。",
                "{weight_kg} kg | Only {weight_kg} kg, easy to carry up stairs. "
                "|| 仅{weight_kg}公斤 | 仅重{weight_kg}公斤，上楼梯也能轻松拎。",
                "Near-flat recline | Reclines almost flat for naps on the go. "
                "|| 近乎平躺 | 靠背可放至近乎平躺，出门也能睡午觉。",
            ),
            kinds=(
                Kind(
                    key="compact",
                    noun="Compact Stroller",
                    noun_zh="轻便婴儿推车",
                    price=(120, 420),
                    features=feats(
                        "Cabin-friendly | Folds small enough for most overhead lockers. "
                        "|| 可登机 | 折叠后可放进大多数飞机行李架。",
                    ),
                ),
                Kind(
                    key="all-terrain",
                    noun="All-Terrain Stroller",
                    noun_zh="全地形婴儿推车",
                    price=(250, 600),
                    attrs={"weight_kg": N(9, 12, 0.5)},
                    features=feats(
                        "Air-filled tyres | Air tyres and suspension smooth out gravel. "
                        "|| 充气轮 | 充气轮胎加避震，碎石路也平稳。",
                    ),
                ),
            ),
        ),
        Leaf(
            slug="feeding",
            name="Feeding",
            name_zh="喂养用品",
            code="FED",
            weight=2,
            schema=schema("piece_count"),
            attrs={"material": ("silicone", "glass", "bamboo"), "piece_count": (1, 2, 3, 4)},
            scenes=pairs(
                "weaning || 添加辅食",
                "night feeds || 夜奶",
                "messy mealtimes || 一片狼藉的饭点",
            ),
            traits=pairs("easy-clean || 好清洗", "safe || 安全", "practical || 实用"),
            features=feats(
                "BPA-free | Free from BPA and phthalates. || 不含BPA | 不含BPA和邻苯二甲酸盐。",
                "Dishwasher and steriliser safe | Top-rack dishwasher and steriliser safe. "
                "|| 可消毒 | 可放入洗碗机上层，也可高温消毒。",
            ),
            kinds=(
                Kind(
                    key="bottles",
                    noun="Baby Bottle Set",
                    noun_zh="奶瓶套装",
                    price=(18, 55),
                    attrs={"material": ("glass", "silicone"), "baby_age": ("0-6m", "6-12m")},
                    features=feats(
                        "Anti-colic vent | A vent reduces swallowed air. "
                        "|| 防胀气 | 防胀气通气阀，减少吞入空气。",
                    ),
                ),
                Kind(
                    key="plate",
                    noun="Suction Plate Set",
                    noun_zh="吸盘餐盘套装",
                    price=(12, 30),
                    attrs={"material": ("silicone",), "baby_age": ("6-12m", "12-24m")},
                    features=feats(
                        "Stays put | A strong suction base that little hands can't fling. "
                        "|| 牢牢吸住 | 强力吸盘底座，宝宝掀不翻。",
                    ),
                ),
                Kind(
                    key="high-chair",
                    noun="High Chair",
                    noun_zh="宝宝餐椅",
                    price=(60, 220),
                    attrs={
                        "material": ("beech-wood",),
                        "piece_count": None,
                        "baby_age": ("6-12m", "12-24m", "2-4y"),
                    },
                    features=feats(
                        "Grows with them | Converts to a toddler chair later. "
                        "|| 陪伴成长 | 之后可改成幼儿座椅继续使用。",
                    ),
                ),
            ),
        ),
        Leaf(
            slug="baby-clothing",
            name="Baby Clothing",
            name_zh="婴儿服装",
            code="BCL",
            weight=2,
            schema=schema("piece_count"),
            attrs={"material": ("organic-cotton", "merino-wool"), "piece_count": (1, 3, 5)},
            scenes=pairs(
                "the first weeks home || 回家后的头几周",
                "cool nights || 微凉的夜晚",
                "everyday play || 日常玩耍",
            ),
            traits=pairs("soft || 柔软", "breathable || 透气", "easy-dressing || 易穿脱"),
            features=feats(
                "Nickel-free poppers | Poppers down the front for quick changes. "
                "|| 前开扣 | 前开无镍按扣，换尿布更快。",
                "Fold-over mitts | Built-in mitts stop newborn scratches. "
                "|| 翻折袖口 | 袖口可翻折成小手套，防止抓伤脸。",
            ),
            kinds=(
                Kind(
                    key="bodysuits",
                    noun="Bodysuit Set",
                    noun_zh="连体衣套装",
                    price=(18, 45),
                    weight=2,
                    attrs={"piece_count": (3, 5)},
                    title_spec=("piece_count",),
                ),
                Kind(
                    key="sleep-sack",
                    noun="Sleep Sack",
                    noun_zh="婴儿睡袋",
                    price=(25, 70),
                    attrs={"piece_count": (1,)},
                    features=feats(
                        "Safer sleep | Replaces loose blankets in the cot. "
                        "|| 安全睡眠 | 代替婴儿床里的松散被子，更安全。",
                    ),
                ),
            ),
        ),
        Leaf(
            slug="diapering",
            name="Changing",
            name_zh="尿布护理",
            code="DPR",
            weight=2,
            schema=schema("volume", "piece_count"),
            attrs={"volume": None, "piece_count": None, "material": ("bamboo", "organic-cotton")},
            scenes=pairs(
                "nappy changes on the go || 外出换尿布",
                "sensitive bottoms || 娇嫩小屁屁",
                "night-time changes || 夜间换尿布",
            ),
            traits=pairs("gentle || 温和", "handy || 方便", "soothing || 舒缓"),
            features=feats(
                "Fragrance-free | Fragrance- and alcohol-free. || 无香精无酒精 | 不含香精与酒精。",
            ),
            kinds=(
                Kind(
                    key="wipes",
                    noun="Water Wipes",
                    noun_zh="纯水湿巾",
                    price=(4, 15),
                    article="a pack of",
                    plural="water wipes",
                    attrs={"piece_count": (60, 80, 240), "color": None},
                    title_spec=("piece_count",),
                ),
                Kind(
                    key="cream",
                    noun="Nappy Balm",
                    noun_zh="护臀膏",
                    price=(6, 18),
                    attrs={"volume": (50, 100), "material": None, "color": None},
                    features=feats(
                        "Zinc and calendula | Zinc and calendula protect and soothe. "
                        "|| 氧化锌与金盏花 | 氧化锌与金盏花，隔离又舒缓。",
                    ),
                ),
                Kind(
                    key="mat",
                    noun="Portable Changing Mat",
                    noun_zh="便携隔尿垫",
                    price=(15, 40),
                    attrs={"material": ("recycled-polyester",)},
                ),
            ),
        ),
        Leaf(
            slug="nursery",
            name="Nursery",
            name_zh="婴儿房",
            code="NRS",
            weight=2,
            schema=schema("battery_life"),
            attrs={"battery_life": None},
            scenes=pairs(
                "bedtime routines || 睡前仪式",
                "night feeds || 夜间喂奶",
                "nap time || 午睡时间",
            ),
            traits=pairs("calming || 安抚", "gentle || 柔和", "reassuring || 安心"),
            features=feats(
                "Soft night glow | A warm glow that won't fully wake anyone up. "
                "|| 柔和夜光 | 柔和暖光，不会把人完全吵醒。",
            ),
            kinds=(
                Kind(
                    key="monitor",
                    noun="Baby Monitor",
                    noun_zh="婴儿监护器",
                    price=(50, 200),
                    attrs={"material": ("abs-plastic",), "battery_life": N(8, 16, 2)},
                    features=feats(
                        "Private connection | A closed connection that never touches the "
                        "internet. || 私密连接 | 封闭式连接，不经过互联网。",
                        "Two-way talk | Soothe from the next room with two-way talk. "
                        "|| 双向对讲 | 在隔壁房间也能通过对讲安抚宝宝。",
                    ),
                ),
                Kind(
                    key="swaddle",
                    noun="Muslin Swaddle Set",
                    noun_zh="纱布包巾套装",
                    price=(18, 45),
                    attrs={"material": ("organic-cotton", "bamboo")},
                    features=feats(
                        "Breathable muslin | Breathable muslin that softens with every wash. "
                        "|| 透气纱布 | 透气纱布，越洗越软。",
                    ),
                ),
                Kind(
                    key="night-light",
                    noun="Night Light",
                    noun_zh="小夜灯",
                    price=(15, 45),
                    attrs={"material": ("silicone",), "battery_life": N(8, 20, 2)},
                ),
            ),
        ),
    ),
)

TOPS = (BEAUTY, SPORTS, TOYS, BOOKS, PETS, GROCERY, BABY)
