"""Demo content: apparel, shoes, jewellery & watches, bags & luggage."""

from __future__ import annotations

from .spec import DependsOn, Kind, Leaf, Top, feats, pair, pairs, quals, schema, words
from .spec import NumberRange as N

APPAREL_COLORS = (
    "black", "white", "grey", "charcoal", "navy", "blue", "sky-blue", "olive", "sage", "khaki",
    "beige", "cream", "brown", "burgundy", "red", "pink", "lavender", "mustard", "green", "teal",
)  # fmt: skip
FIT_QUALIFIERS = quals(
    "[fit=slim] Slim-Fit || 修身",
    "[fit=relaxed] Relaxed-Fit || 宽松",
    "[fit=oversized] Oversized || 廓形",
    "[material=organic-cotton] Organic Cotton || 有机棉",
    "[material=merino-wool] Merino || 美利奴",
    "[material=linen] Linen || 亚麻",
    "[material=cashmere] Cashmere || 羊绒",
    "[material=recycled-polyester] Recycled || 再生面料",
)

APPAREL = Top(
    slug="apparel",
    name="Apparel",
    name_zh="服装",
    description=pair(
        "Everyday clothing for men and women, from tees and dresses to coats. "
        "|| 男女日常服饰，从T恤、连衣裙到大衣外套。"
    ),
    schema=schema("color!", "size!", "gender!", "material", "fit", "activity"),
    attrs={
        "color": APPAREL_COLORS,
        "size": ("xs", "s", "m", "m", "l", "l", "xl", "xxl"),
        "fit": ("slim", "regular", "regular", "relaxed"),
        "activity": ("casual", "casual", "commuting", "travel"),
    },
    model_words=words(
        "Harbor",
        "Meridian",
        "Cove",
        "Archer",
        "Fieldhouse",
        "Juniper",
        "Wren",
        "Sloane",
        "Marlow",
        "Thistle",
        "Haven",
        "Sierra",
        "Bramble",
        "Calder",
        "Linnet",
        "Rowan",
        "Ashby",
        "Tamsin",
        "Pembroke",
        "Everly",
    ),
    model_suffixes=("", "", "Essential", "Classic", "Studio", "Weekend", "Tailored", "II"),
    features=feats(
        "Pre-washed softness | Each piece is garment-washed, so it feels broken-in from the "
        "first wear. || 预先水洗 | 成衣经过水洗处理，第一次上身就柔软服帖。",
        "Reinforced seams | Double-stitched seams keep their shape wash after wash. "
        "|| 双针走线 | 关键部位双针缝制，反复洗涤也不易变形。",
        "Colour that lasts | Low-impact dyes keep the {color} from fading after a few washes. "
        "|| 色牢度高 | 采用低污染染料，{color}洗过多次依然饱满。",
        "Responsibly made | It is sewn in audited factories that pay fair wages. "
        "|| 负责任生产 | 由通过社会责任审核的工厂缝制，工人薪资有保障。",
        "True to size | The cut follows our standard size chart; between sizes, go up one. "
        "|| 尺码标准 | 按标准尺码表裁剪，介于两个尺码之间时建议选大一码。",
        "[fit=relaxed,oversized] Easy, roomy cut | A relaxed cut through the body leaves room "
        "to layer underneath. || 宽松版型 | 衣身宽松，里面叠穿也不显臃肿。",
        "[fit=slim] Clean, slim line | A slimmer cut through the body looks sharp without "
        "feeling tight. || 修身剪裁 | 修身版型利落有型，活动起来也不紧绷。",
    ),
    closers=pairs(
        "Machine wash cold and hang to dry to keep the shape. "
        "|| 建议冷水机洗、悬挂晾干，更能保持版型。",
        "Not the right size? Exchanges are free within 30 days. || 尺码不合适，30天内可免费换货。",
        "It layers easily with the rest of the {brand} range. "
        "|| 与{brand}其他单品搭配叠穿都很和谐。",
    ),
    praise=pairs(
        "The fabric feels better than the price suggests. || 面料质感超出这个价位的预期。",
        "Fits exactly as the size chart says. || 尺码和尺码表完全一致，放心拍。",
        "Still looks new after a dozen washes. || 洗了十几次依然跟新的一样。",
        "The colour is lovely in daylight. || 颜色在自然光下特别好看。",
    ),
    gripes=pairs(
        "It runs a little small, so size up. || 尺码偏小，建议拍大一号。",
        "The colour was duller than in the photos. || 实物颜色比图片暗一些。",
        "It started pilling after a few weeks. || 穿了几周就开始起球了。",
        "The stitching on one seam came loose. || 有一处缝线开了。",
    ),
    leaves=(
        Leaf(
            slug="mens-tops",
            name="Men's Tops",
            name_zh="男士上衣",
            code="MTP",
            weight=3,
            attrs={"gender": ("men",)},
            scenes=pairs(
                "relaxed weekends || 轻松的周末",
                "the office on casual Fridays || 周五的休闲办公日",
                "travel days || 出行的日子",
                "dinner with friends || 和朋友聚餐",
                "layering under a jacket || 外套内搭",
            ),
            traits=pairs("versatile || 百搭", "comfortable || 舒适", "easygoing || 随性"),
            features=feats(
                "Tagless neckline | A printed label replaces the usual scratchy tag. "
                "|| 无标领口 | 领口采用印标设计，告别标签扎人的烦恼。",
                "Shoulder taping | Taped shoulder seams stop the neckline stretching out. "
                "|| 肩部加固 | 肩缝内衬织带，领口不易被撑大。",
            ),
            kinds=(
                Kind(
                    key="tee",
                    noun="Crew Neck T-Shirt",
                    noun_zh="圆领T恤",
                    price=(14, 45),
                    weight=3,
                    attrs={
                        "material": (
                            "cotton",
                            "cotton",
                            "organic-cotton",
                            "merino-wool",
                            "recycled-polyester",
                        ),
                        "activity": ("casual", "casual", "training", "travel"),
                    },
                    qualifiers=FIT_QUALIFIERS,
                    features=feats(
                        "Midweight jersey | A 180 gsm jersey that is neither see-through nor "
                        "heavy. || 中等克重 | 180克重平纹针织面料，不透也不闷。",
                        "[material=merino-wool] Odour-resistant | You can wear it several days "
                        "in a row on a trip before it needs a wash. || 抗异味 | 出差旅行连穿几天"
                        "也不用急着洗。",
                    ),
                ),
                Kind(
                    key="oxford",
                    noun="Oxford Shirt",
                    noun_zh="牛津纺衬衫",
                    price=(35, 95),
                    attrs={
                        "material": ("cotton", "organic-cotton"),
                        "activity": ("office", "casual", "commuting"),
                    },
                    qualifiers=FIT_QUALIFIERS,
                    features=feats(
                        "Button-down collar | A soft button-down collar stays neat without a "
                        "tie. || 纽扣领 | 柔软的纽扣领，不打领带也显得利落。",
                        "Chest pocket | A single chest pocket holds a pen or earbuds. "
                        "|| 胸前口袋 | 单个胸袋，放支笔或耳机刚好。",
                    ),
                ),
                Kind(
                    key="linen-shirt",
                    noun="Linen Shirt",
                    noun_zh="亚麻衬衫",
                    price=(40, 110),
                    attrs={"material": ("linen",), "activity": ("casual", "travel")},
                    qualifiers=quals("[fit=relaxed] Relaxed-Fit || 宽松", "Short-Sleeve || 短袖"),
                    scenes=pairs(
                        "hot summer afternoons || 炎热的夏日午后",
                        "beach holidays || 海边度假",
                        "garden parties || 花园派对",
                    ),
                    features=feats(
                        "Breathes in the heat | Linen lets air through, so it stays cool when the "
                        "temperature climbs. || 清凉透气 | 亚麻纤维透气性好，气温再高也不闷热。",
                    ),
                ),
                Kind(
                    key="polo",
                    noun="Polo Shirt",
                    noun_zh="Polo衫",
                    price=(25, 70),
                    attrs={"material": ("cotton", "organic-cotton", "recycled-polyester")},
                    qualifiers=FIT_QUALIFIERS,
                    features=feats(
                        "Piqué knit | A textured piqué knit holds its collar shape. "
                        "|| 珠地面料 | 珠地网眼针织，领型挺括不易塌。",
                    ),
                ),
                Kind(
                    key="quarter-zip",
                    noun="Quarter-Zip Pullover",
                    noun_zh="半拉链套头衫",
                    price=(45, 120),
                    attrs={
                        "material": ("merino-wool", "fleece", "cotton"),
                        "activity": ("casual", "travel", "hiking"),
                    },
                    features=feats(
                        "Stand collar | Zip it up and the stand collar blocks a cold breeze. "
                        "|| 立领设计 | 拉链拉到顶，立领能挡住冷风。",
                    ),
                ),
            ),
        ),
        Leaf(
            slug="womens-dresses",
            name="Women's Dresses",
            name_zh="女士连衣裙",
            code="WDR",
            weight=3,
            attrs={
                "gender": ("women",),
                "size": ("xs", "s", "s", "m", "m", "l", "xl"),
                "activity": ("casual", "office", "occasion", "travel"),
            },
            scenes=pairs(
                "office days || 上班日",
                "weekend brunch || 周末早午餐",
                "summer weddings || 夏日婚礼",
                "city breaks || 城市短途旅行",
                "evenings out || 夜晚外出",
            ),
            traits=pairs("flattering || 显身材", "effortless || 轻松", "elegant || 优雅"),
            features=feats(
                "Hidden pockets | Yes, it has pockets — two of them, hidden in the side seams. "
                "|| 隐形口袋 | 侧缝藏有两个口袋，实用又不影响线条。",
                "Fully lined | A soft lining means it's not see-through, even in white. "
                "|| 全衬里 | 带柔软内衬，浅色也不透。",
                "Adjustable waist | A tie belt lets you cinch the waist as much as you like. "
                "|| 可调腰线 | 配有系带，腰线松紧随心调节。",
            ),
            kinds=(
                Kind(
                    key="wrap",
                    noun="Wrap Dress",
                    noun_zh="裹身连衣裙",
                    price=(45, 140),
                    attrs={"material": ("polyester", "silk", "cotton", "recycled-polyester")},
                    features=feats(
                        "True wrap front | A true wrap front flatters every shape. "
                        "|| 真裹身设计 | 真正的裹身式前襟，各种身形都能穿出好比例。",
                    ),
                ),
                Kind(
                    key="midi",
                    noun="Midi Dress",
                    noun_zh="中长连衣裙",
                    price=(50, 150),
                    weight=2,
                    attrs={"material": ("cotton", "linen", "polyester", "organic-cotton")},
                    qualifiers=quals("[material=linen] Linen || 亚麻", "Tiered || 层次"),
                    features=feats(
                        "Mid-calf length | It falls just below the knee, so it works with "
                        "sandals or boots. || 过膝长度 | 裙长及小腿，配凉鞋或短靴都好看。",
                    ),
                ),
                Kind(
                    key="shirt-dress",
                    noun="Shirt Dress",
                    noun_zh="衬衫裙",
                    price=(40, 120),
                    attrs={"material": ("cotton", "linen", "organic-cotton")},
                    features=feats(
                        "Button-through front | Buttons all the way down, so it doubles as a "
                        "light duster. || 全开襟 | 门襟纽扣一开到底，敞开也能当薄外套。",
                    ),
                ),
                Kind(
                    key="knit-dress",
                    noun="Knit Dress",
                    noun_zh="针织连衣裙",
                    price=(55, 160),
                    attrs={"material": ("merino-wool", "cashmere", "cotton")},
                    scenes=pairs("cold office days || 冷飕飕的上班日", "winter travel || 冬季出行"),
                    features=feats(
                        "Rib-knit texture | A fine rib knit skims the body without clinging. "
                        "|| 罗纹针织 | 细罗纹针织贴合身形却不紧绷。",
                    ),
                ),
                Kind(
                    key="slip",
                    noun="Slip Dress",
                    noun_zh="吊带裙",
                    price=(60, 180),
                    attrs={"material": ("silk", "polyester"), "activity": ("occasion",)},
                    features=feats(
                        "Bias cut | Cut on the bias so the fabric drapes and moves with you. "
                        "|| 斜裁工艺 | 斜裁面料垂坠感好，走动时自然飘逸。",
                    ),
                ),
            ),
        ),
        Leaf(
            slug="outerwear",
            name="Outerwear",
            name_zh="外套",
            code="OUT",
            weight=3,
            schema=schema("waterproof"),
            attrs={
                "gender": ("men", "women", "unisex"),
                "activity": ("commuting", "hiking", "travel", "casual"),
                "waterproof": ("water-resistant", "none"),
            },
            scenes=pairs(
                "rainy commutes || 下雨天通勤",
                "cold mornings || 寒冷的清晨",
                "autumn hikes || 秋日徒步",
                "winter city breaks || 冬季城市旅行",
                "walking the dog || 遛狗",
            ),
            traits=pairs("warm || 保暖", "weatherproof || 防风雨", "packable || 便携"),
            features=feats(
                "Two-way zip | A two-way front zip makes sitting and cycling easier. "
                "|| 双向拉链 | 前襟双向拉链，坐下或骑车都更方便。",
                "Fleece-lined pockets | Hand pockets are lined with fleece for cold fingers. "
                "|| 抓绒手袋 | 手插袋内衬抓绒，冻手时揣进去很暖和。",
                "Inner phone pocket | A zipped inner pocket keeps your phone dry. "
                "|| 内侧拉链袋 | 内侧拉链口袋，手机不怕淋湿。",
                "[waterproof=waterproof] Fully taped seams | Every seam is taped, so water has "
                "nowhere to get in. || 全压胶 | 所有接缝均经压胶处理，雨水无处渗入。",
                "[waterproof=water-resistant] Sheds light rain | A water-repellent finish sheds "
                "drizzle and snow. || 拒水涂层 | 面料经拒水处理，小雨小雪轻松抖落。",
            ),
            kinds=(
                Kind(
                    key="rain-jacket",
                    noun="Rain Jacket",
                    noun_zh="防雨夹克",
                    price=(70, 220),
                    weight=2,
                    attrs={
                        "material": ("nylon", "recycled-polyester"),
                        "waterproof": ("waterproof",),
                    },
                    qualifiers=quals("Packable || 可收纳", "Lightweight || 轻量"),
                    features=feats(
                        "Packs into its pocket | It folds into its own chest pocket for travel. "
                        "|| 可收纳 | 可以折叠收进自身胸袋，出行随身带。",
                        "Adjustable hood | A three-point hood turns with your head. "
                        "|| 可调节风帽 | 三点调节风帽，转头时视线不受阻。",
                    ),
                ),
                Kind(
                    key="down-jacket",
                    noun="Down Jacket",
                    noun_zh="羽绒服",
                    price=(110, 320),
                    weight=2,
                    attrs={"material": ("down",), "waterproof": ("water-resistant",)},
                    qualifiers=quals("Hooded || 连帽", "Quilted || 绗缝"),
                    features=feats(
                        "650-fill down | Responsibly sourced 650-fill down traps warmth without "
                        "bulk. || 650蓬松度羽绒 | 可追溯来源的650蓬松度羽绒，保暖却不臃肿。",
                        "Baffled quilting | Stitched baffles keep the down from shifting. "
                        "|| 分格绗缝 | 分格绗缝让羽绒分布均匀，不会跑绒结块。",
                    ),
                ),
                Kind(
                    key="fleece",
                    noun="Fleece Jacket",
                    noun_zh="抓绒外套",
                    price=(45, 120),
                    attrs={"material": ("fleece",), "waterproof": ("none",)},
                    features=feats(
                        "Midlayer-friendly | Thin enough to wear under a shell on cold days. "
                        "|| 百搭中层 | 厚度适中，冷天可作为中间层穿在冲锋衣里。",
                    ),
                ),
                Kind(
                    key="overcoat",
                    noun="Wool Overcoat",
                    noun_zh="羊毛大衣",
                    price=(150, 380),
                    attrs={
                        "material": ("merino-wool", "cashmere"),
                        "waterproof": ("none",),
                        "activity": ("commuting", "office", "occasion"),
                    },
                    traits=pairs("tailored || 挺括", "warm || 保暖", "timeless || 经典"),
                    features=feats(
                        "Knee length | A knee-length cut covers a suit jacket completely. "
                        "|| 及膝长度 | 及膝长度，正好罩住西装外套。",
                    ),
                ),
                Kind(
                    key="softshell",
                    noun="Softshell Jacket",
                    noun_zh="软壳外套",
                    price=(80, 190),
                    attrs={"material": ("nylon", "polyester"), "activity": ("hiking", "commuting")},
                    features=feats(
                        "Four-way stretch | Stretchy fabric moves with you on a scramble. "
                        "|| 四面弹 | 四面弹面料，攀爬时活动自如。",
                    ),
                ),
            ),
        ),
        Leaf(
            slug="activewear",
            name="Activewear",
            name_zh="运动服",
            code="ACT",
            weight=2,
            attrs={
                "gender": ("men", "women", "women", "unisex"),
                "activity": ("running", "training", "yoga"),
                "material": ("recycled-polyester", "nylon", "polyester"),
                "fit": ("slim", "regular"),
            },
            scenes=pairs(
                "hard gym sessions || 高强度健身",
                "morning runs || 晨跑",
                "yoga classes || 瑜伽课",
                "interval training || 间歇训练",
            ),
            traits=pairs("breathable || 透气", "stretchy || 高弹", "quick-drying || 速干"),
            features=feats(
                "Wicks sweat | The fabric pulls sweat away from skin and dries fast. "
                "|| 吸湿速干 | 面料快速导出汗水，干得很快。",
                "Flatlock seams | Flat seams won't rub over long sessions. "
                "|| 平缝工艺 | 平缝接缝，长时间训练也不磨皮肤。",
                "Reflective trims | Reflective details for running after dark. "
                "|| 反光设计 | 反光细节，夜跑更安全。",
            ),
            kinds=(
                Kind(
                    key="leggings",
                    noun="Leggings",
                    noun_zh="紧身裤",
                    price=(35, 98),
                    article="a pair of",
                    plural="leggings",
                    attrs={"gender": ("women",), "fit": ("slim",)},
                    qualifiers=quals("High-Rise || 高腰", "7/8 || 九分"),
                    features=feats(
                        "Squat-proof | Opaque fabric you can trust in a deep squat. "
                        "|| 深蹲不透 | 面料不透光，深蹲也安心。",
                        "Side pocket | A side pocket fits a large phone. "
                        "|| 侧袋 | 侧边口袋放得下大屏手机。",
                    ),
                ),
                Kind(
                    key="shorts",
                    noun="Training Shorts",
                    noun_zh="训练短裤",
                    price=(25, 65),
                    article="a pair of",
                    plural="training shorts",
                    qualifiers=quals("2-in-1 || 二合一", "Lightweight || 轻量"),
                    features=feats(
                        "Built-in liner | A built-in liner means nothing else to wear underneath. "
                        "|| 内衬设计 | 自带内衬，里面无需再穿其他。",
                    ),
                ),
                Kind(
                    key="sports-bra",
                    noun="Sports Bra",
                    noun_zh="运动文胸",
                    price=(28, 75),
                    attrs={"gender": ("women",), "fit": ("slim",)},
                    qualifiers=quals("High-Support || 高强度支撑", "Medium-Support || 中强度支撑"),
                    features=feats(
                        "Removable pads | Pads come out for washing or a lighter feel. "
                        "|| 可拆胸垫 | 胸垫可取出清洗，也可不放更轻薄。",
                    ),
                ),
                Kind(
                    key="running-tee",
                    noun="Running Tee",
                    noun_zh="跑步T恤",
                    price=(22, 60),
                    attrs={"activity": ("running",)},
                    features=feats(
                        "Featherweight | It weighs next to nothing, even when damp. "
                        "|| 轻若无物 | 轻薄到几乎感觉不到，出汗后也不沉。",
                    ),
                ),
            ),
        ),
        Leaf(
            slug="pants",
            name="Pants & Jeans",
            name_zh="裤装",
            code="PNT",
            weight=2,
            attrs={"gender": ("men", "women"), "activity": ("casual", "office", "commuting")},
            scenes=pairs(
                "everyday wear || 日常穿搭",
                "long days at the office || 漫长的办公日",
                "weekend errands || 周末出门办事",
                "travel days || 旅途中",
            ),
            traits=pairs("durable || 耐穿", "comfortable || 舒适", "versatile || 百搭"),
            features=feats(
                "Hidden stretch | A touch of stretch lets you sit, crouch and cycle comfortably. "
                "|| 微弹面料 | 面料带少量弹力，坐下、下蹲、骑车都舒服。",
                "Deep pockets | Front pockets deep enough for a phone that won't fall out. "
                "|| 深口袋 | 前袋够深，手机放进去不易滑出。",
            ),
            kinds=(
                Kind(
                    key="jeans",
                    noun="Jeans",
                    noun_zh="牛仔裤",
                    price=(45, 140),
                    article="a pair of",
                    plural="jeans",
                    weight=2,
                    attrs={"material": ("denim",)},
                    qualifiers=quals(
                        "[fit=slim] Slim || 修身",
                        "[fit=relaxed] Relaxed || 宽松",
                        "Straight || 直筒",
                    ),
                    features=feats(
                        "Rigid-to-soft denim | The denim softens and fades to your shape over "
                        "time. || 越穿越软 | 牛仔布会随穿着逐渐变软、自然褪色，贴合你的身形。",
                    ),
                ),
                Kind(
                    key="chinos",
                    noun="Chinos",
                    noun_zh="休闲长裤",
                    price=(40, 110),
                    article="a pair of",
                    plural="chinos",
                    attrs={"material": ("cotton", "organic-cotton")},
                    features=feats(
                        "Smart or casual | Dress them up with a shirt or down with sneakers. "
                        "|| 正式休闲皆宜 | 配衬衫显正式，配球鞋又很休闲。",
                    ),
                ),
                Kind(
                    key="wide-leg",
                    noun="Wide-Leg Trousers",
                    noun_zh="阔腿裤",
                    price=(45, 130),
                    article="a pair of",
                    plural="wide-leg trousers",
                    attrs={"gender": ("women",), "material": ("linen", "polyester", "cotton")},
                    features=feats(
                        "Fluid drape | The wide leg swishes as you walk. "
                        "|| 垂坠感 | 阔腿裤型垂坠流畅，走路时自带风感。",
                    ),
                ),
                Kind(
                    key="joggers",
                    noun="Joggers",
                    noun_zh="束脚卫裤",
                    price=(30, 85),
                    article="a pair of",
                    plural="joggers",
                    attrs={"material": ("cotton", "fleece"), "activity": ("casual", "training")},
                    features=feats(
                        "Cuffed ankles | Ribbed cuffs keep the hem out of puddles. "
                        "|| 束脚设计 | 罗纹束脚，裤脚不拖地不沾水。",
                    ),
                ),
            ),
        ),
        Leaf(
            slug="knitwear",
            name="Knitwear",
            name_zh="针织毛衣",
            code="KNT",
            weight=2,
            attrs={
                "gender": ("men", "women", "unisex"),
                "material": ("merino-wool", "cashmere", "cotton"),
            },
            scenes=pairs(
                "chilly evenings || 微凉的傍晚",
                "the office in winter || 冬天的办公室",
                "layering over a shirt || 叠穿在衬衫外",
                "autumn walks || 秋日散步",
            ),
            traits=pairs("cosy || 温暖", "soft || 柔软", "classic || 经典"),
            features=feats(
                "Fully fashioned | Knitted to shape rather than cut, so seams sit flat. "
                "|| 全成型编织 | 整体成型编织，缝线平整服帖。",
                "[material=cashmere] Grade-A cashmere | Long fibres pill less than budget "
                "cashmere. || A级羊绒 | 长纤维羊绒，比普通羊绒更不易起球。",
            ),
            kinds=(
                Kind(
                    key="sweater",
                    noun="Crewneck Sweater",
                    noun_zh="圆领毛衣",
                    price=(50, 180),
                    weight=2,
                    qualifiers=quals(
                        "[material=merino-wool] Merino || 美利奴",
                        "[material=cashmere] Cashmere || 羊绒",
                    ),
                ),
                Kind(
                    key="cardigan",
                    noun="Cardigan",
                    noun_zh="针织开衫",
                    price=(55, 190),
                    qualifiers=quals("Chunky || 粗针"),
                    features=feats(
                        "Horn-effect buttons | Sturdy buttons that won't crack in the wash. "
                        "|| 仿牛角扣 | 纽扣结实，机洗也不易开裂。",
                    ),
                ),
            ),
        ),
    ),
)

SHOE_COLORS = ("black", "white", "grey", "navy", "blue", "olive", "brown", "tan", "red", "coral")

SHOES = Top(
    slug="shoes",
    name="Shoes",
    name_zh="鞋靴",
    description=pair(
        "Running shoes, hiking boots, sneakers, sandals and dress shoes. "
        "|| 跑鞋、徒步靴、休闲鞋、凉鞋与正装鞋。"
    ),
    schema=schema(
        "color!", "shoe_size!", "gender!", "material", "activity", "waterproof", "weight~"
    ),
    attrs={
        "color": SHOE_COLORS,
        "gender": ("men", "women", "unisex"),
        "material": ("mesh", "knit", "leather", "suede", "synthetic", "canvas"),
        "waterproof": ("none",),
        "weight": N(220, 420, 10),
    },
    model_words=words(
        "Trailblazer",
        "Cadence",
        "Ridgeline",
        "Switchback",
        "Tempo",
        "Pacer",
        "Summit",
        "Canyon",
        "Drift",
        "Apex",
        "Talus",
        "Boulder",
        "Glide",
        "Rally",
        "Meadow",
        "Kinetic",
        "Stratus",
        "Quarry",
        "Harrier",
        "Vantage",
    ),
    model_suffixes=("", "2", "3", "4", "Pro", "Lite", "WX", "Mid", "Elite", "Trail"),
    features=feats(
        "Removable insole | The insole lifts out if you wear orthotics. "
        "|| 可拆鞋垫 | 鞋垫可取出，方便换上矫形鞋垫。",
        "Pull tab | A heel pull tab gets them on in seconds. "
        "|| 后跟提环 | 后跟提环设计，几秒就能穿好。",
        "Half sizes | If you are between sizes, our fit guide recommends the larger one. "
        "|| 尺码建议 | 介于两个尺码之间时，建议按尺码指南选大半码。",
    ),
    closers=pairs(
        "Wipe clean with a damp cloth and let them air-dry away from heat. "
        "|| 可用湿布擦拭，放在阴凉处自然风干，避免高温烘烤。",
        "Try them indoors first — unworn pairs can be returned for 60 days. "
        "|| 建议先在室内试穿，未穿出门的鞋60天内可退。",
        "Sold as a pair; the size shown is EU sizing. || 按双出售，标示为欧码。",
    ),
    praise=pairs(
        "Comfortable straight out of the box, no break-in needed. || 上脚即舒适，完全不用磨合。",
        "True to size for me. || 尺码很正，按平时尺码买就对了。",
        "Great grip on wet pavement. || 湿滑路面抓地力很好。",
        "Light enough that I forget I'm wearing them. || 轻到穿上几乎忘了它的存在。",
    ),
    gripes=pairs(
        "The toe box is narrow for wide feet. || 鞋头偏窄，脚宽的人要注意。",
        "They squeak on smooth floors. || 在光滑地面上会吱吱响。",
        "The sole started wearing after a few months. || 穿了几个月鞋底就磨得明显。",
        "I had to go up half a size. || 得买大半码才合脚。",
    ),
    leaves=(
        Leaf(
            slug="running-shoes",
            name="Running Shoes",
            name_zh="跑鞋",
            code="RUN",
            weight=4,
            schema=schema("cushioning", "drop", "terrain"),
            attrs={
                "activity": ("running",),
                "material": ("mesh", "mesh", "knit"),
                "terrain": ("road",),
                "drop": N(4, 12, 2),
                "weight": N(210, 320, 5),
                "shoe_size": (
                    "eu-37",
                    "eu-38",
                    "eu-39",
                    "eu-40",
                    "eu-41",
                    "eu-42",
                    "eu-43",
                    "eu-44",
                    "eu-45",
                ),
            },
            scenes=pairs(
                "daily training runs || 日常训练跑",
                "long weekend runs || 周末长距离慢跑",
                "tempo sessions || 节奏跑训练",
                "race day || 比赛日",
                "your first half marathon || 你的第一个半程马拉松",
            ),
            traits=pairs(
                "cushioned || 缓震", "responsive || 回弹", "lightweight || 轻盈", "stable || 稳定"
            ),
            features=feats(
                "[cushioning=max] Maximum cushioning | A thick, soft midsole takes the sting out "
                "of long miles. || 强缓震 | 厚实柔软的中底，跑长距离也能明显减轻腿部冲击。",
                "[cushioning=moderate] Balanced cushioning | There is enough foam for daily "
                "mileage without the ride feeling mushy. || 均衡缓震 | 缓震适中，日常跑量足够，"
                "脚感又不会发软。",
                "[cushioning=light] Low-profile ride | A firmer, thinner midsole gives more feel "
                "for the ground at pace. || 贴地脚感 | 中底偏薄偏硬，提速时路感更清晰。",
                "[drop=4,6] {drop} mm drop | The low {drop} mm heel-to-toe drop encourages a "
                "midfoot landing. || {drop}毫米低跟差 | 仅{drop}毫米的低跟差，"
                "引导更自然的中足着地。",
                "[drop=8,10,12] {drop} mm drop | A {drop} mm heel-to-toe drop is kind to "
                "heel strikers and tight calves. || {drop}毫米跟差 | {drop}毫米跟差对后跟着地和小腿"
                "紧张的跑者更友好。",
                "Light on the foot | At about {weight} g per shoe, you barely notice it late in a "
                "run. || 轻量 | 单只约{weight}克，跑到后半程也不觉得脚沉。",
                "[material=mesh,knit] Breathable upper | The {material} upper vents heat on warm "
                "days. || 透气鞋面 | {material}鞋面透气散热，夏天跑步也不闷脚。",
                "Locked-in heel | A padded heel collar keeps your foot from sliding on corners. "
                "|| 后跟稳固 | 加厚后跟领口，转弯时脚跟不易滑动。",
                "Reflective details | Reflective hits keep you visible on dark mornings. "
                "|| 反光细节 | 反光点缀让你在清晨和夜跑时更醒目。",
                "[terrain=road] Durable road outsole | Carbon rubber in the high-wear zones adds "
                "mileage to the outsole. || 耐磨大底 | 高磨损区域采用碳素橡胶，大底更耐跑。",
            ),
            kinds=(
                Kind(
                    key="road",
                    noun="Road Running Shoe",
                    noun_zh="公路跑鞋",
                    price=(60, 160),
                    weight=3,
                    attrs={"cushioning": ("light", "moderate", "moderate", "max")},
                    qualifiers=quals(
                        "[cushioning=max] Max Cushion || 强缓震",
                        "[cushioning=light] Lightweight || 轻量",
                        "Neutral || 中性",
                    ),
                ),
                Kind(
                    key="trail",
                    noun="Trail Running Shoe",
                    noun_zh="越野跑鞋",
                    price=(80, 180),
                    weight=2,
                    attrs={
                        "activity": ("trail-running",),
                        "terrain": ("trail", "mixed"),
                        "drop": N(4, 8, 2),
                        "weight": N(260, 330, 5),
                        "waterproof": ("none", "none", "waterproof"),
                        "cushioning": ("moderate", "max"),
                    },
                    qualifiers=quals(
                        "[waterproof=waterproof] Waterproof || 防水", "Grip || 强抓地"
                    ),
                    scenes=pairs(
                        "muddy trail runs || 泥泞的越野跑",
                        "mountain ultras || 山地超马",
                        "rocky singletrack || 碎石单线小径",
                        "weekend trail races || 周末越野赛",
                    ),
                    features=feats(
                        "Lugged outsole | 5 mm lugs bite into mud and loose gravel. "
                        "|| 深齿大底 | 5毫米深齿大底，泥地和碎石路都抓得稳。",
                        "Rock plate | A flexible rock plate shields your feet on rooty trails. "
                        "|| 防石板 | 内置柔性防石板，树根乱石路段更安心。",
                        "[waterproof=waterproof] Waterproof membrane | A waterproof membrane "
                        "keeps socks dry through puddles and wet grass. || 防水内膜 | 防水内膜让"
                        "你踩过水坑和湿草地时袜子依然干爽。",
                    ),
                ),
                Kind(
                    key="racer",
                    noun="Carbon-Plated Racing Shoe",
                    noun_zh="碳板竞速跑鞋",
                    price=(150, 180),
                    attrs={
                        "cushioning": ("moderate", "max"),
                        "weight": N(180, 230, 5),
                        "drop": N(6, 8, 2),
                    },
                    scenes=pairs(
                        "race day || 比赛日",
                        "chasing a personal best || 冲击个人最好成绩",
                        "fast interval sessions || 高速间歇训练",
                    ),
                    traits=pairs("fast || 速度", "propulsive || 推进感强"),
                    features=feats(
                        "Full-length carbon plate | A carbon plate snaps you forward at race pace. "
                        "|| 全掌碳板 | 全掌碳板带来强劲推进，比赛配速更轻松。",
                    ),
                ),
            ),
        ),
        Leaf(
            slug="hiking-boots",
            name="Hiking Boots",
            name_zh="徒步靴",
            code="HIK",
            weight=3,
            attrs={
                "activity": ("hiking",),
                "material": ("leather", "suede", "synthetic"),
                "waterproof": ("waterproof", "waterproof", "water-resistant"),
                "weight": N(380, 620, 10),
                "color": ("olive", "brown", "tan", "grey", "black", "navy"),
            },
            scenes=pairs(
                "day hikes || 一日徒步",
                "muddy spring trails || 春季泥泞山路",
                "multi-day treks || 多日重装徒步",
                "rocky mountain paths || 多石的山间小路",
            ),
            traits=pairs("supportive || 支撑性强", "rugged || 耐磨", "grippy || 抓地"),
            features=feats(
                "[waterproof=waterproof] Waterproof membrane | A sealed waterproof membrane keeps "
                "feet dry through creek crossings. || 防水内膜 | 密封防水内膜，蹚水过溪也不湿脚。",
                "[waterproof=water-resistant] Water-resistant upper | A treated upper shrugs off "
                "dew and light showers. || 防泼水鞋面 | 鞋面经防泼水处理，露水和小雨不在话下。",
                "Lugged rubber outsole | Deep multi-directional lugs grip on wet rock and loose "
                "dirt. || 多向深齿大底 | 多向深齿橡胶大底，湿滑岩石和松土都能稳稳抓地。",
                "Protective toe cap | A rubber toe cap takes the knocks from roots and rocks. "
                "|| 防撞鞋头 | 橡胶包头，踢到树根石块也不怕。",
                "Gusseted tongue | A gusseted tongue keeps grit and small stones out. "
                "|| 连体鞋舌 | 连体式鞋舌，防止沙砾和小石子钻进鞋内。",
                "[material=leather,suede] Full-grain upper | The {material} upper moulds to your "
                "foot over the first few hikes. || 真皮鞋面 | {material}鞋面经过几次徒步就会贴合"
                "脚形。",
            ),
            kinds=(
                Kind(
                    key="boot",
                    noun="Hiking Boot",
                    noun_zh="徒步靴",
                    price=(90, 240),
                    weight=2,
                    qualifiers=quals(
                        "[waterproof=waterproof] Waterproof || 防水",
                        "[material=leather] Leather || 真皮",
                        "Mid || 中帮",
                    ),
                    features=feats(
                        "Ankle support | A padded mid-height collar steadies your ankle on "
                        "uneven ground. || 护踝支撑 | 中帮加厚领口，走在崎岖路面上脚踝更稳。",
                    ),
                ),
                Kind(
                    key="shoe",
                    noun="Hiking Shoe",
                    noun_zh="徒步鞋",
                    price=(70, 160),
                    attrs={"weight": N(320, 450, 10)},
                    qualifiers=quals("[waterproof=waterproof] Waterproof || 防水", "Low || 低帮"),
                    features=feats(
                        "Low-cut agility | A low cut feels nimble on well-kept trails. "
                        "|| 低帮灵活 | 低帮设计，走在平整山径上步伐更轻快。",
                    ),
                ),
            ),
        ),
        Leaf(
            slug="sneakers",
            name="Sneakers",
            name_zh="休闲运动鞋",
            code="SNK",
            weight=3,
            attrs={
                "activity": ("casual", "commuting"),
                "material": ("leather", "canvas", "knit", "suede"),
            },
            scenes=pairs(
                "everyday wear || 日常穿搭",
                "the daily commute || 每天通勤",
                "weekends in the city || 城市里的周末",
                "long days on your feet || 站立一整天",
            ),
            traits=pairs("clean || 简约", "comfortable || 舒适", "versatile || 百搭"),
            features=feats(
                "Cupsole construction | A stitched cupsole lasts for years of daily wear. "
                "|| 杯底结构 | 缝线杯底结构，天天穿也能穿很多年。",
                "Cushioned footbed | A memory-foam footbed softens pavement. "
                "|| 记忆棉鞋垫 | 记忆棉鞋垫让城市路面踩起来更柔软。",
                "Goes with everything | The {color} colourway pairs with jeans or chinos. "
                "|| 百搭配色 | {color}配色，搭牛仔裤或休闲裤都合适。",
            ),
            kinds=(
                Kind(
                    key="low-top",
                    noun="Low-Top Sneaker",
                    noun_zh="低帮板鞋",
                    price=(45, 140),
                    weight=2,
                    qualifiers=quals("[material=leather] Leather || 皮面", "Court || 复古"),
                ),
                Kind(
                    key="canvas",
                    noun="Canvas Sneaker",
                    noun_zh="帆布鞋",
                    price=(30, 80),
                    attrs={"material": ("canvas",), "weight": N(240, 330, 10)},
                    qualifiers=quals("High-Top || 高帮", "Classic || 经典"),
                ),
                Kind(
                    key="slip-on",
                    noun="Slip-On Sneaker",
                    noun_zh="一脚蹬休闲鞋",
                    price=(35, 90),
                    attrs={"material": ("knit", "canvas", "suede")},
                    features=feats(
                        "No laces | Elastic side gores let you step straight in. "
                        "|| 免系带 | 两侧松紧带设计，一脚就能穿上。",
                    ),
                ),
            ),
        ),
        Leaf(
            slug="sandals",
            name="Sandals & Slides",
            name_zh="凉鞋拖鞋",
            code="SND",
            weight=2,
            attrs={
                "activity": ("casual", "travel", "hiking"),
                "material": ("leather", "synthetic", "eva"),
                "waterproof": ("water-resistant", "none"),
                "weight": N(150, 320, 10),
            },
            scenes=pairs(
                "beach days || 海边的日子",
                "summer travel || 夏日旅行",
                "river walks || 溯溪漫步",
                "lazy Sunday mornings || 慵懒的周日早晨",
            ),
            traits=pairs("airy || 清爽", "comfortable || 舒适", "lightweight || 轻便"),
            features=feats(
                "Contoured footbed | A contoured footbed supports your arch all day. "
                "|| 贴合足弓 | 立体鞋床承托足弓，走一天也不累。",
                "Quick-dry straps | The straps dry quickly after a swim. "
                "|| 速干鞋带 | 鞋带速干，游泳后很快就干。",
                "[material=eva] Feather-light EVA | One-piece EVA foam floats and never gets "
                "waterlogged. || 轻盈EVA | 一体成型EVA泡棉，轻到能浮在水上，不会吸水变重。",
            ),
            kinds=(
                Kind(
                    key="sport",
                    noun="Sport Sandal",
                    noun_zh="运动凉鞋",
                    price=(30, 95),
                    attrs={"material": ("synthetic",)},
                    features=feats(
                        "Adjustable straps | Three hook-and-loop straps dial in the fit. "
                        "|| 三段调节 | 三处魔术贴可调节，松紧随心。",
                    ),
                ),
                Kind(
                    key="slide",
                    noun="Slide Sandal",
                    noun_zh="拖鞋",
                    price=(20, 60),
                    attrs={"material": ("eva", "synthetic"), "activity": ("casual",)},
                ),
                Kind(
                    key="leather",
                    noun="Leather Sandal",
                    noun_zh="真皮凉鞋",
                    price=(50, 130),
                    attrs={"material": ("leather",), "waterproof": ("none",)},
                    features=feats(
                        "Vegetable-tanned leather | The straps darken and soften with wear. "
                        "|| 植鞣皮革 | 植鞣皮鞋带越穿越软，颜色也会慢慢变深。",
                    ),
                ),
            ),
        ),
        Leaf(
            slug="dress-shoes",
            name="Dress Shoes & Boots",
            name_zh="正装鞋靴",
            code="DRS",
            weight=2,
            attrs={
                "activity": ("office", "occasion"),
                "material": ("leather", "suede"),
                "color": ("black", "brown", "tan", "burgundy"),
                "weight": N(380, 560, 10),
            },
            scenes=pairs(
                "the office || 上班",
                "weddings || 婚礼",
                "job interviews || 面试",
                "evenings out || 晚间聚会",
            ),
            traits=pairs("polished || 考究", "refined || 精致", "timeless || 经典"),
            features=feats(
                "Goodyear-welted | A stitched welt means the sole can be replaced. "
                "|| 固特异工艺 | 采用固特异沿条工艺，鞋底可以更换。",
                "Leather lining | Full leather lining breathes better than synthetics. "
                "|| 全皮内里 | 全皮内衬，比合成材料更透气。",
                "Hand-burnished finish | Each pair is hand-burnished for depth of colour. "
                "|| 手工擦色 | 每双鞋都经手工擦色，色泽更有层次。",
            ),
            kinds=(
                Kind(key="oxford", noun="Oxford Shoe", noun_zh="牛津鞋", price=(90, 260)),
                Kind(
                    key="loafer",
                    noun="Loafer",
                    noun_zh="乐福鞋",
                    price=(80, 220),
                    qualifiers=quals("Penny || 便士", "[material=suede] Suede || 麂皮"),
                ),
                Kind(
                    key="chelsea",
                    noun="Chelsea Boot",
                    noun_zh="切尔西靴",
                    price=(110, 260),
                    attrs={"activity": ("office", "casual")},
                    qualifiers=quals("[material=suede] Suede || 麂皮"),
                ),
            ),
        ),
    ),
)

# A piece's colour is its metal's.
METAL_COLORS = DependsOn(
    "metal",
    {
        "sterling-silver": ("silver",),
        "gold-plated": ("gold",),
        "solid-gold": ("gold",),
        "rose-gold-plated": ("rose-gold",),
        "stainless-steel": ("silver", "silver", "black"),
        "titanium": ("silver", "grey", "black"),
    },
)

JEWELRY = Top(
    slug="jewelry-watches",
    name="Jewellery & Watches",
    name_zh="珠宝手表",
    description=pair(
        "Watches, necklaces, earrings, rings and bracelets. || 腕表、项链、耳饰、戒指与手链。"
    ),
    schema=schema("metal!", "gemstone", "gender", "color"),
    attrs={
        "metal": ("sterling-silver", "sterling-silver", "gold-plated", "rose-gold-plated"),
        "gemstone": ("none", "none", "cubic-zirconia", "pearl", "moonstone", "amethyst", "topaz"),
        "gender": ("women", "women", "unisex", "men"),
        "color": METAL_COLORS,
    },
    model_words=words(
        "Aurora",
        "Celeste",
        "Lumen",
        "Solstice",
        "Tide",
        "Ivy",
        "Orbit",
        "Halo",
        "Petal",
        "Vesper",
        "Marina",
        "Elara",
        "Nova",
        "Sable",
        "Luna",
        "Fern",
    ),
    model_suffixes=("", "", "Mini", "Duo", "Classic", "No. 3", "No. 7"),
    features=feats(
        "Hypoallergenic | Nickel-free and gentle on sensitive skin. "
        "|| 低致敏 | 不含镍，敏感肌也能放心佩戴。",
        "Gift-ready | It arrives in a linen pouch inside a recycled gift box. "
        "|| 礼盒包装 | 附亚麻收纳袋与再生纸礼盒，可直接送礼。",
        "[metal=sterling-silver] Solid 925 silver | Solid sterling silver, stamped 925. "
        "|| 925纯银 | 实心925银，带925印记。",
        "[metal=gold-plated,rose-gold-plated] Thick plating | A thick layer of plating over "
        "brass resists tarnish. || 加厚镀层 | 黄铜基底加厚镀层，不易氧化变色。",
    ),
    closers=pairs(
        "Store it in the pouch and keep it away from perfume to keep the shine. "
        "|| 不戴时请放回收纳袋，避免接触香水，光泽更持久。",
        "Free engraving on request at checkout. || 下单时可备注免费刻字。",
        "A lovely gift for birthdays and anniversaries. || 很适合作为生日或纪念日礼物。",
    ),
    praise=pairs(
        "Looks far more expensive than it was. || 看起来比实际价格贵多了。",
        "Delicate and well finished. || 做工精致，细节到位。",
        "I wear it every day and it hasn't tarnished. || 天天戴也没有氧化发黑。",
    ),
    gripes=pairs(
        "Smaller than I expected from the photos. || 实物比图片看起来小。",
        "The clasp is fiddly to close. || 扣子有点难扣。",
        "The plating wore off after a couple of months. || 戴了两个月镀层就掉了。",
    ),
    leaves=(
        Leaf(
            slug="watches",
            name="Watches",
            name_zh="腕表",
            code="WAT",
            weight=3,
            schema=schema("movement!", "water_resistance", "case_size"),
            attrs={
                "metal": ("stainless-steel", "stainless-steel", "titanium", "gold-plated"),
                "gemstone": ("none",),
                "gender": ("men", "women", "unisex"),
                "movement": ("quartz", "quartz", "automatic", "solar"),
                "water_resistance": N(30, 100, 10),
                "case_size": N(34, 42, 2),
            },
            scenes=pairs(
                "the office || 职场",
                "weekend adventures || 周末出游",
                "formal dinners || 正式晚宴",
                "everyday wear || 日常佩戴",
            ),
            traits=pairs("understated || 低调", "legible || 清晰易读", "robust || 坚固"),
            features=feats(
                "Sapphire crystal | A scratch-resistant sapphire crystal protects the dial. "
                "|| 蓝宝石镜面 | 蓝宝石水晶镜面，耐刮耐磨。",
                "Water resistant to {water_resistance} m | Rated to {water_resistance} m, so "
                "rain and hand-washing are no problem. || {water_resistance}米防水 | "
                "{water_resistance}米防水，淋雨洗手都不用摘。",
                "{case_size} mm case | A {case_size} mm case sits comfortably on most wrists. "
                "|| {case_size}毫米表盘 | {case_size}毫米表径，大多数手腕都戴得合适。",
                "[movement=automatic] Automatic movement | The self-winding movement runs on the "
                "motion of your wrist — no battery. || 自动机械机芯 | 自动上链机芯靠手腕摆动"
                "驱动，无需电池。",
                "[movement=solar] Solar powered | Any light charges it; a full charge lasts "
                "months in the dark. || 光动能 | 有光就能充电，充满后在暗处也能走好几个月。",
                "[movement=quartz] Precise quartz | A quartz movement keeps time to a few seconds "
                "a month. || 精准石英机芯 | 石英机芯，每月误差仅数秒。",
                "Quick-release strap | Swap straps without tools. "
                "|| 快拆表带 | 快拆表带，无需工具即可更换。",
            ),
            kinds=(
                Kind(
                    key="field",
                    noun="Field Watch",
                    noun_zh="野战风腕表",
                    price=(80, 320),
                    attrs={"metal": ("stainless-steel", "titanium")},
                ),
                Kind(
                    key="dress",
                    noun="Dress Watch",
                    noun_zh="正装腕表",
                    price=(120, 450),
                    attrs={"water_resistance": N(30, 50, 10), "case_size": N(34, 40, 2)},
                    qualifiers=quals("Slim || 超薄", "[movement=automatic] Automatic || 自动机械"),
                ),
                Kind(
                    key="dive",
                    noun="Dive-Style Watch",
                    noun_zh="潜水风格腕表",
                    price=(150, 480),
                    attrs={"water_resistance": N(100, 200, 50), "case_size": N(40, 42, 2)},
                    features=feats(
                        "Rotating bezel | A unidirectional bezel times your dive or your "
                        "parking meter. || 单向旋转表圈 | 单向旋转表圈，潜水计时或停车计时都方便。",
                    ),
                ),
            ),
        ),
        Leaf(
            slug="necklaces",
            name="Necklaces",
            name_zh="项链",
            code="NCK",
            scenes=pairs(
                "everyday layering || 日常叠戴",
                "evenings out || 晚间约会",
                "gifting || 送礼",
            ),
            traits=pairs("delicate || 精致", "dainty || 小巧", "elegant || 优雅"),
            features=feats(
                "Adjustable length | An extender chain lets you wear it at 40 or 45 cm. "
                "|| 长度可调 | 附延长链，可在40至45厘米之间调节。",
                "[gemstone=pearl] Freshwater pearl | Each pearl is unique in shape and lustre. "
                "|| 淡水珍珠 | 每颗珍珠形状与光泽都独一无二。",
            ),
            kinds=(
                Kind(key="pendant", noun="Pendant Necklace", noun_zh="吊坠项链", price=(25, 220)),
                Kind(
                    key="chain",
                    noun="Chain Necklace",
                    noun_zh="锁骨链",
                    price=(20, 160),
                    attrs={"gemstone": ("none",)},
                    qualifiers=quals("Paperclip || 回形针", "Herringbone || 人字纹"),
                ),
            ),
        ),
        Leaf(
            slug="earrings",
            name="Earrings",
            name_zh="耳饰",
            code="EAR",
            attrs={"gender": ("women",)},
            scenes=pairs("everyday wear || 日常佩戴", "the office || 通勤", "parties || 派对"),
            traits=pairs("lightweight || 轻盈", "sparkling || 闪耀", "minimal || 极简"),
            features=feats(
                "Secure backs | Butterfly backs hold them firmly in place. "
                "|| 稳固耳堵 | 蝴蝶耳堵，佩戴稳固不易脱落。",
                "All-day comfort | Light enough to forget you're wearing them. "
                "|| 轻盈舒适 | 轻到戴一整天也没有负担。",
            ),
            kinds=(
                Kind(
                    key="studs",
                    noun="Stud Earrings",
                    noun_zh="耳钉",
                    price=(15, 180),
                    article="a pair of",
                    plural="stud earrings",
                ),
                Kind(
                    key="hoops",
                    noun="Hoop Earrings",
                    noun_zh="耳圈",
                    price=(20, 160),
                    article="a pair of",
                    plural="hoop earrings",
                    attrs={"gemstone": ("none", "cubic-zirconia")},
                ),
                Kind(
                    key="drops",
                    noun="Drop Earrings",
                    noun_zh="耳坠",
                    price=(25, 190),
                    article="a pair of",
                    plural="drop earrings",
                ),
            ),
        ),
        Leaf(
            slug="rings",
            name="Rings",
            name_zh="戒指",
            code="RNG",
            scenes=pairs("stacking || 叠戴", "everyday wear || 日常佩戴", "gifting || 送礼"),
            traits=pairs("minimal || 简约", "stackable || 可叠戴", "bold || 个性"),
            features=feats(
                "Comfort-fit band | The inside is rounded so it slides on easily. "
                "|| 舒适内圈 | 戒圈内侧圆弧处理，戴上摘下都顺滑。",
                "Full sizes 5–10 | Available in whole sizes; see the ring-size guide. "
                "|| 多种圈号 | 提供5至10号，可参考尺寸指南选择。",
            ),
            kinds=(
                Kind(key="stacking", noun="Stacking Ring", noun_zh="叠戴戒指", price=(18, 120)),
                Kind(
                    key="signet",
                    noun="Signet Ring",
                    noun_zh="印章戒指",
                    price=(40, 220),
                    attrs={"gemstone": ("none",), "gender": ("men", "unisex")},
                ),
            ),
        ),
        Leaf(
            slug="bracelets",
            name="Bracelets",
            name_zh="手链手镯",
            code="BRC",
            scenes=pairs("everyday wear || 日常佩戴", "layering with a watch || 与腕表叠戴"),
            traits=pairs("delicate || 精致", "playful || 俏皮", "classic || 经典"),
            features=feats(
                "Stacks with a watch | Slim enough to wear next to a watch. "
                "|| 叠戴友好 | 纤细不占位，可与腕表叠戴。",
            ),
            kinds=(
                Kind(
                    key="chain",
                    noun="Chain Bracelet",
                    noun_zh="手链",
                    price=(20, 150),
                    features=feats(
                        "Adjustable fit | A sliding clasp fits wrists from 15 to 19 cm. "
                        "|| 可调尺寸 | 滑动扣设计，适合15至19厘米手腕。",
                    ),
                ),
                Kind(
                    key="cuff",
                    noun="Cuff Bracelet",
                    noun_zh="开口手镯",
                    price=(30, 180),
                    attrs={"gemstone": ("none",)},
                    features=feats(
                        "Open cuff | The open back flexes gently to fit most wrists. "
                        "|| 开口设计 | 开口处可轻微调节，适合大多数手腕。",
                    ),
                ),
                Kind(
                    key="beaded",
                    noun="Beaded Bracelet",
                    noun_zh="串珠手链",
                    price=(15, 90),
                    attrs={"gemstone": ("moonstone", "amethyst", "jade", "pearl")},
                    features=feats(
                        "Natural stones | Every stone varies slightly in colour and pattern. "
                        "|| 天然石材 | 每颗珠子的颜色纹理都略有不同。",
                        "Stretch fit | Strung on durable elastic that rolls on and off. "
                        "|| 弹力绳 | 采用耐用弹力绳串制，戴上摘下都方便。",
                    ),
                ),
            ),
        ),
    ),
)

BAG_COLORS = ("black", "charcoal", "navy", "olive", "tan", "brown", "sage", "burgundy", "grey")

BAGS = Top(
    slug="bags-luggage",
    name="Bags & Luggage",
    name_zh="箱包",
    description=pair(
        "Backpacks, suitcases, handbags, wallets and travel accessories. "
        "|| 双肩包、行李箱、手提包、钱包与旅行配件。"
    ),
    schema=schema("color!", "material", "capacity", "weight_kg~"),
    attrs={
        "color": BAG_COLORS,
        "material": ("nylon", "recycled-polyester", "canvas", "leather"),
        "capacity": N(10, 30, 2),
        "weight_kg": N(0.4, 1.4, 0.1),
    },
    model_words=words(
        "Voyager",
        "Transit",
        "Atlas",
        "Nomad",
        "Metro",
        "Compass",
        "Harbour",
        "Skyline",
        "Wanderer",
        "Terminal",
        "Jetty",
        "Roam",
        "Porter",
        "Caravan",
    ),
    model_suffixes=("", "", "2.0", "Pro", "Plus", "Mini", "XL"),
    features=feats(
        "[capacity=*] YKK-style zips | Smooth, chunky zips that won't snag. "
        "|| 顺滑拉链 | 加粗拉链，顺滑不卡齿。",
        "[capacity=*] Lifetime repairs | Rips and broken zips are repaired free for life. "
        "|| 终身维修 | 破损或拉链故障终身免费维修。",
        "[material=nylon,recycled-polyester,canvas] Water-repellent coating | "
        "A water-repellent coating keeps contents dry in a shower. "
        "|| 防泼水涂层 | 表面防泼水涂层，遇到阵雨包内物品也不湿。",
    ),
    closers=pairs(
        "Spot clean with mild soap. || 局部污渍可用温和肥皂清洁。",
        "Made to be carried for years, not seasons. || 不是一季的潮流，而是能用很多年的包。",
    ),
    praise=pairs(
        "Holds far more than it looks. || 看着不大，其实特别能装。",
        "The zips are smooth and feel solid. || 拉链顺滑，很有质感。",
        "Survived a year of daily use without a scratch. || 天天用了一年还几乎没有磨损。",
    ),
    gripes=pairs(
        "The straps dig in when it's fully loaded. || 装满后肩带有点勒。",
        "Fewer pockets than I hoped. || 口袋比我预期的少。",
        "The material marks easily. || 表面很容易留下划痕。",
    ),
    leaves=(
        Leaf(
            slug="backpacks",
            name="Backpacks",
            name_zh="双肩包",
            code="BPK",
            weight=3,
            schema=schema("laptop_size", "waterproof"),
            attrs={"laptop_size": (13, 14, 15.6, 16), "waterproof": ("water-resistant", "none")},
            scenes=pairs(
                "the daily commute || 日常通勤",
                "weekend trips || 周末短途旅行",
                "campus life || 校园生活",
                "carry-on travel || 随身登机旅行",
            ),
            traits=pairs("organised || 收纳有序", "comfortable || 背负舒适", "sleek || 简洁"),
            features=feats(
                "Padded laptop sleeve | A suspended sleeve fits laptops up to {laptop_size} "
                "inches. || 电脑隔层 | 悬浮式电脑仓，可放最大{laptop_size}英寸笔记本。",
                "Luggage pass-through | A back strap slides over a suitcase handle. "
                "|| 拉杆固定带 | 背面固定带可套在行李箱拉杆上。",
                "Breathable back panel | Mesh channels let air move across your back. "
                "|| 透气背板 | 网布导流背板，背久了后背也不闷汗。",
                "{capacity} L capacity | {capacity} litres is room for a day's kit and a jacket. "
                "|| {capacity}升容量 | {capacity}升容量，装下一天的装备再加件外套。",
            ),
            kinds=(
                Kind(
                    key="commuter",
                    noun="Commuter Backpack",
                    noun_zh="通勤双肩包",
                    price=(45, 160),
                    weight=2,
                    title_spec=("capacity",),
                ),
                Kind(
                    key="daypack",
                    noun="Hiking Daypack",
                    noun_zh="徒步背包",
                    price=(40, 130),
                    attrs={"material": ("nylon", "recycled-polyester")},
                    scenes=pairs("day hikes || 一日徒步", "summit scrambles || 登顶攀爬"),
                    title_spec=("capacity",),
                    features=feats(
                        "Hydration-ready | An internal sleeve holds a 2 L water reservoir. "
                        "|| 水袋仓 | 内置水袋仓，可放2升水袋。",
                    ),
                ),
                Kind(
                    key="rolltop",
                    noun="Roll-Top Backpack",
                    noun_zh="卷口背包",
                    price=(60, 150),
                    attrs={"waterproof": ("waterproof",), "material": ("nylon", "canvas")},
                    features=feats(
                        "Roll-top closure | Roll the top down twice for a weatherproof seal. "
                        "|| 卷口密封 | 顶部卷两折即可形成防雨密封。",
                    ),
                ),
            ),
        ),
        Leaf(
            slug="suitcases",
            name="Suitcases",
            name_zh="行李箱",
            code="SUI",
            weight=2,
            schema=schema("luggage_size!", "shell"),
            attrs={
                "material": ("polycarbonate", "aluminium", "nylon"),
                "shell": ("hard",),
                "luggage_size": ("carry-on", "carry-on", "medium", "large"),
                "capacity": N(36, 110, 2),
                "weight_kg": N(2.4, 5.2, 0.1),
            },
            scenes=pairs(
                "business trips || 商务出差",
                "long-haul holidays || 长途度假",
                "weekend getaways || 周末出游",
            ),
            traits=pairs("tough || 坚固", "light || 轻量", "smooth-rolling || 顺滑"),
            features=feats(
                "Four spinner wheels | Double spinner wheels glide in any direction. "
                "|| 万向双排轮 | 双排万向轮，360度顺滑推行。",
                "TSA-style combination lock | A built-in combination lock secures the zips. "
                "|| 密码锁 | 内置密码锁，保护拉链安全。",
                "Expandable | An expansion zip adds room for souvenirs. "
                "|| 可扩容 | 扩展拉链拉开后可多装伴手礼。",
                "{weight_kg} kg empty | At {weight_kg} kg empty, more of your allowance goes on "
                "packing. || 自重{weight_kg}公斤 | 空箱仅{weight_kg}公斤，托运额度更多留给行李。",
            ),
            kinds=(
                Kind(
                    key="spinner",
                    noun="Spinner Suitcase",
                    noun_zh="万向轮行李箱",
                    price=(90, 380),
                    attrs={"material": ("polycarbonate", "polycarbonate", "aluminium")},
                    title_spec=("luggage_size",),
                ),
                Kind(
                    key="soft",
                    noun="Softside Suitcase",
                    noun_zh="软面行李箱",
                    price=(80, 260),
                    attrs={"material": ("nylon",), "shell": ("soft",)},
                    title_spec=("luggage_size",),
                    features=feats(
                        "Front pocket | An outer pocket keeps a jacket or tablet to hand. "
                        "|| 前置口袋 | 外侧口袋方便随手放外套或平板。",
                    ),
                ),
            ),
        ),
        Leaf(
            slug="handbags",
            name="Handbags",
            name_zh="手提包",
            code="HND",
            weight=2,
            attrs={"material": ("leather", "canvas", "suede"), "capacity": N(3, 18, 1)},
            scenes=pairs(
                "work days || 上班日",
                "weekend markets || 周末逛市集",
                "dinner dates || 约会晚餐",
            ),
            traits=pairs("structured || 有型", "roomy || 能装", "chic || 时髦"),
            features=feats(
                "Magnetic closure | A hidden magnet keeps it closed without a fiddly zip. "
                "|| 磁吸扣 | 隐藏式磁扣，开合方便。",
                "Inner organiser | Slip pockets keep keys, cards and lip balm separate. "
                "|| 内部分隔 | 内袋分隔钥匙、卡片和润唇膏，一目了然。",
            ),
            kinds=(
                Kind(key="tote", noun="Tote Bag", noun_zh="托特包", price=(30, 220), weight=2),
                Kind(
                    key="crossbody",
                    noun="Crossbody Bag",
                    noun_zh="斜挎包",
                    price=(25, 180),
                    attrs={"capacity": N(2, 6, 1)},
                    features=feats(
                        "Adjustable strap | Wear it crossbody or on the shoulder. "
                        "|| 可调肩带 | 肩带可调，斜挎单肩都行。",
                    ),
                ),
            ),
        ),
        Leaf(
            slug="travel-accessories",
            name="Travel Accessories",
            name_zh="旅行配件",
            code="TRV",
            attrs={"material": ("nylon", "recycled-polyester"), "capacity": N(2, 8, 1)},
            scenes=pairs("long flights || 长途飞行", "packing light || 轻装出行"),
            traits=pairs("compact || 小巧", "practical || 实用"),
            features=feats(
                "Packs flat | Folds flat when empty. || 可折叠 | 空置时可压平收纳。",
                "Wipe-clean lining | The lining wipes clean after spills. "
                "|| 易清洁内衬 | 内衬洒漏后一擦即净。",
            ),
            kinds=(
                Kind(
                    key="cubes",
                    noun="Packing Cube Set",
                    noun_zh="旅行收纳袋套装",
                    price=(18, 45),
                    article="a",
                    features=feats(
                        "Three sizes | Small, medium and large cubes for every kind of trip. "
                        "|| 三种尺寸 | 大中小三件套，长短途都适用。",
                    ),
                ),
                Kind(key="toiletry", noun="Toiletry Bag", noun_zh="洗漱包", price=(15, 45)),
                Kind(
                    key="pillow",
                    noun="Travel Pillow",
                    noun_zh="旅行颈枕",
                    price=(15, 40),
                    attrs={"material": ("microfiber",), "capacity": None},
                ),
            ),
        ),
        Leaf(
            slug="wallets",
            name="Wallets",
            name_zh="钱包卡包",
            code="WAL",
            attrs={"material": ("leather",), "capacity": None, "weight_kg": None},
            scenes=pairs("everyday carry || 日常随身", "gifting || 送礼"),
            traits=pairs("slim || 轻薄", "well-made || 做工精良"),
            features=feats(
                "RFID blocking | A shielding layer protects contactless cards. "
                "|| 防盗刷 | 内置RFID屏蔽层，保护非接触式银行卡。",
                "Ages well | The leather develops a rich patina. "
                "|| 越用越有味道 | 皮革会慢慢养出温润的光泽。",
            ),
            kinds=(
                Kind(key="bifold", noun="Bifold Wallet", noun_zh="对折钱包", price=(20, 90)),
                Kind(key="card", noun="Card Holder", noun_zh="卡包", price=(12, 60)),
            ),
        ),
    ),
)

TOPS = (APPAREL, SHOES, JEWELRY, BAGS)
