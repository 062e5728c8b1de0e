"""Attributes, brands and the category tree of the demo shop.

Everything here is invented for this project. Brand names are made up and checked against no
trademark register; they are meant to sound plausible, not to resemble anything real.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import content_fashion, content_home_tech, content_lifestyle
from .spec import Top


@dataclass(frozen=True)
class OptionSpec:
    value: str
    label: str
    label_zh: str


@dataclass(frozen=True)
class AttributeSpec:
    code: str
    name: str
    name_zh: str
    kind: str = "choice"
    unit: str = ""
    options: tuple[OptionSpec, ...] = ()
    # Colours and materials read naturally in lower case inside English sentences.
    lower_in_text: bool = False

    def option(self, value: str) -> OptionSpec:
        for option in self.options:
            if option.value == value:
                return option
        raise KeyError(f"{self.code} has no option {value!r}")


def _choice(
    code: str, name: str, name_zh: str, options: str, *, lower_in_text: bool = False
) -> AttributeSpec:
    """``options`` is one ``value: English label / 中文`` per line."""
    parsed = []
    for line in options.strip().splitlines():
        value, labels = line.split(":", 1)
        label, label_zh = (part.strip() for part in labels.rsplit("/", 1))
        parsed.append(OptionSpec(value.strip(), label, label_zh))
    return AttributeSpec(code, name, name_zh, "choice", "", tuple(parsed), lower_in_text)


def _number(code: str, name: str, name_zh: str, unit: str) -> AttributeSpec:
    return AttributeSpec(code, name, name_zh, "number", unit)


_YES_NO = """
yes: Yes / 是
no: No / 否
"""

ATTRIBUTE_LIST: tuple[AttributeSpec, ...] = (
    _choice(
        "color",
        "Colour",
        "颜色",
        """
        black: Black / 黑色
        white: White / 白色
        grey: Grey / 灰色
        charcoal: Charcoal / 炭灰色
        navy: Navy / 藏青色
        blue: Blue / 蓝色
        sky-blue: Sky blue / 天蓝色
        teal: Teal / 青绿色
        green: Green / 绿色
        olive: Olive / 橄榄绿
        sage: Sage / 灰绿色
        khaki: Khaki / 卡其色
        beige: Beige / 米色
        cream: Cream / 奶白色
        brown: Brown / 棕色
        tan: Tan / 驼色
        red: Red / 红色
        burgundy: Burgundy / 酒红色
        coral: Coral / 珊瑚色
        pink: Pink / 粉色
        lavender: Lavender / 薰衣草紫
        purple: Purple / 紫色
        yellow: Yellow / 黄色
        mustard: Mustard / 芥末黄
        orange: Orange / 橙色
        silver: Silver / 银色
        gold: Gold / 金色
        rose-gold: Rose gold / 玫瑰金
        multicolor: Multicolour / 多色
        """,
        lower_in_text=True,
    ),
    _choice(
        "size",
        "Size",
        "尺码",
        """
        xs: XS / XS码
        s: S / S码
        m: M / M码
        l: L / L码
        xl: XL / XL码
        xxl: XXL / XXL码
        """,
    ),
    _choice(
        "shoe_size",
        "Shoe size",
        "鞋码",
        """
        eu-36: EU 36 / 36码
        eu-37: EU 37 / 37码
        eu-38: EU 38 / 38码
        eu-39: EU 39 / 39码
        eu-40: EU 40 / 40码
        eu-41: EU 41 / 41码
        eu-42: EU 42 / 42码
        eu-43: EU 43 / 43码
        eu-44: EU 44 / 44码
        eu-45: EU 45 / 45码
        eu-46: EU 46 / 46码
        """,
    ),
    _choice(
        "gender",
        "Gender",
        "适用性别",
        """
        men: Men's / 男款
        women: Women's / 女款
        unisex: Unisex / 男女同款
        kids: Kids' / 儿童款
        """,
    ),
    _choice(
        "material",
        "Material",
        "材质",
        """
        cotton: Cotton / 纯棉
        organic-cotton: Organic cotton / 有机棉
        linen: Linen / 亚麻
        merino-wool: Merino wool / 美利奴羊毛
        cashmere: Cashmere / 羊绒
        silk: Silk / 真丝
        polyester: Polyester / 聚酯纤维
        recycled-polyester: Recycled polyester / 再生聚酯纤维
        nylon: Nylon / 尼龙
        denim: Denim / 牛仔布
        fleece: Fleece / 抓绒
        down: Down fill / 羽绒填充
        leather: Leather / 真皮
        suede: Suede / 麂皮
        mesh: Engineered mesh / 工程网布
        knit: Knit / 针织
        canvas: Canvas / 帆布
        synthetic: Synthetic / 合成材料
        rubber: Rubber / 橡胶
        eva: EVA foam / EVA泡棉
        stainless-steel: Stainless steel / 不锈钢
        cast-iron: Cast iron / 铸铁
        aluminium: Aluminium / 铝合金
        ceramic: Ceramic / 陶瓷
        stoneware: Stoneware / 粗陶
        porcelain: Porcelain / 瓷
        glass: Glass / 玻璃
        bamboo: Bamboo / 竹
        acacia-wood: Acacia wood / 相思木
        beech-wood: Beech wood / 榉木
        silicone: Silicone / 硅胶
        abs-plastic: ABS plastic / ABS塑料
        recycled-plastic: Recycled plastic / 再生塑料
        polycarbonate: Polycarbonate / 聚碳酸酯
        tpu: TPU / TPU
        plush: Plush / 毛绒
        paper: Paper / 纸质
        cardboard: Cardboard / 纸板
        terracotta: Terracotta / 陶土
        microfiber: Microfibre / 超细纤维
        """,
        lower_in_text=True,
    ),
    _choice(
        "activity",
        "Activity",
        "适用场景",
        """
        running: Running / 跑步
        trail-running: Trail running / 越野跑
        hiking: Hiking / 徒步
        training: Gym training / 健身训练
        yoga: Yoga / 瑜伽
        cycling: Cycling / 骑行
        camping: Camping / 露营
        casual: Everyday / 日常休闲
        commuting: Commuting / 通勤
        travel: Travel / 旅行
        office: Office / 办公
        occasion: Special occasion / 正式场合
        """,
    ),
    _choice(
        "fit",
        "Fit",
        "版型",
        """
        slim: Slim / 修身
        regular: Regular / 常规
        relaxed: Relaxed / 宽松
        oversized: Oversized / 落肩廓形
        """,
    ),
    _choice(
        "waterproof",
        "Water protection",
        "防水性能",
        """
        waterproof: Waterproof / 防水
        water-resistant: Water-resistant / 防泼水
        none: Not waterproof / 不防水
        """,
    ),
    _choice(
        "cushioning",
        "Cushioning",
        "缓震",
        """
        light: Light / 轻量缓震
        moderate: Moderate / 均衡缓震
        max: Maximum / 强缓震
        """,
    ),
    _choice(
        "terrain",
        "Terrain",
        "适用路面",
        """
        road: Road / 公路
        trail: Trail / 越野
        mixed: Mixed / 混合路面
        """,
    ),
    _number("drop", "Heel-to-toe drop", "跟差", "mm"),
    _number("weight", "Weight", "重量", "g"),
    _number("weight_kg", "Weight", "重量", "kg"),
    _choice(
        "connectivity",
        "Connectivity",
        "连接方式",
        """
        bluetooth: Bluetooth / 蓝牙
        wifi: Wi-Fi / Wi-Fi
        zigbee: Zigbee / Zigbee
        usb-c: USB-C / USB-C
        wired: 3.5 mm wired / 3.5毫米有线
        wireless-charging: Wireless charging / 无线充电
        """,
    ),
    _number("battery_life", "Battery life", "续航时间", "h"),
    _choice(
        "form_factor",
        "Fit style",
        "佩戴方式",
        """
        over-ear: Over-ear / 头戴式
        on-ear: On-ear / 贴耳式
        in-ear: In-ear / 入耳式
        open-ear: Open-ear / 开放式
        """,
    ),
    _choice(
        "noise_cancelling",
        "Noise cancelling",
        "降噪",
        """
        active: Active / 主动降噪
        passive: Passive / 被动隔音
        """,
    ),
    _choice(
        "ip_rating",
        "Water rating",
        "防水等级",
        """
        ipx4: IPX4 / IPX4
        ip54: IP54 / IP54
        ip67: IP67 / IP67
        ip68: IP68 / IP68
        """,
    ),
    _choice(
        "phone_size",
        "Phone size",
        "适配机型尺寸",
        """
        6-1-inch: 6.1-inch phones / 6.1英寸机型
        6-3-inch: 6.3-inch phones / 6.3英寸机型
        6-7-inch: 6.7-inch phones / 6.7英寸机型
        universal: Universal / 通用
        """,
    ),
    _number("power", "Power", "功率", "W"),
    _number("battery_capacity", "Battery capacity", "电池容量", "mAh"),
    _number("length", "Length", "长度", "m"),
    _choice(
        "bed_size",
        "Bed size",
        "床尺寸",
        """
        single: Single (120 cm) / 单人（1.2米）
        double: Double (150 cm) / 双人（1.5米）
        king: King (180 cm) / 大床（1.8米）
        """,
    ),
    _number("capacity", "Capacity", "容量", "L"),
    _number("diameter", "Diameter", "直径", "cm"),
    _choice(
        "care",
        "Cleaning",
        "清洁方式",
        """
        dishwasher-safe: Dishwasher-safe / 可用洗碗机
        hand-wash: Hand wash only / 仅限手洗
        machine-wash: Machine washable / 可机洗
        wipe-clean: Wipe clean / 擦拭清洁
        """,
    ),
    _choice("induction", "Induction compatible", "适用电磁炉", _YES_NO),
    _choice(
        "skin_type",
        "Skin type",
        "适用肤质",
        """
        all: All skin types / 所有肤质
        dry: Dry / 干性
        oily: Oily / 油性
        combination: Combination / 混合性
        sensitive: Sensitive / 敏感肌
        """,
    ),
    _number("volume", "Volume", "净含量", "ml"),
    _number("spf", "SPF", "防晒指数", ""),
    _choice(
        "finish",
        "Finish",
        "妆效",
        """
        matte: Matte / 哑光
        satin: Satin / 缎光
        dewy: Dewy / 水光
        shimmer: Shimmer / 珠光
        """,
    ),
    _choice(
        "hair_type",
        "Hair type",
        "适用发质",
        """
        all: All hair types / 所有发质
        fine: Fine / 细软发
        thick: Thick / 粗硬发
        curly: Curly / 卷发
        coloured: Colour-treated / 染烫发
        """,
    ),
    _choice(
        "scent_family",
        "Scent family",
        "香调",
        """
        floral: Floral / 花香调
        woody: Woody / 木质调
        citrus: Citrus / 柑橘调
        fresh: Fresh / 清新调
        amber: Amber / 琥珀调
        gourmand: Gourmand / 美食调
        unscented: Unscented / 无香
        """,
    ),
    _choice(
        "age_range",
        "Age range",
        "适用年龄",
        """
        0-2: 0–2 years / 0–2岁
        3-5: 3–5 years / 3–5岁
        6-8: 6–8 years / 6–8岁
        9-12: 9–12 years / 9–12岁
        12-plus: 12+ years / 12岁以上
        adult: Adults / 成人
        """,
    ),
    _number("piece_count", "Pieces", "件数", "pcs"),
    _choice(
        "players",
        "Players",
        "游戏人数",
        """
        1: 1 player / 1人
        1-4: 1–4 players / 1–4人
        2-4: 2–4 players / 2–4人
        2-6: 2–6 players / 2–6人
        """,
    ),
    _choice(
        "baby_age",
        "Baby age",
        "适用月龄",
        """
        0-6m: 0–6 months / 0–6个月
        6-12m: 6–12 months / 6–12个月
        12-24m: 12–24 months / 12–24个月
        2-4y: 2–4 years / 2–4岁
        """,
    ),
    _choice(
        "pet_type",
        "Pet",
        "宠物类型",
        """
        dog: Dogs / 狗狗
        cat: Cats / 猫咪
        small-pet: Small pets / 小宠
        """,
    ),
    _choice(
        "pet_size",
        "Pet size",
        "体型",
        """
        small: Small / 小型
        medium: Medium / 中型
        large: Large / 大型
        """,
    ),
    _choice(
        "flavor",
        "Flavour",
        "口味",
        """
        chicken: Chicken / 鸡肉
        salmon: Salmon / 三文鱼
        beef: Beef / 牛肉
        lamb: Lamb / 羊肉
        duck: Duck / 鸭肉
        turkey: Turkey / 火鸡肉
        """,
        lower_in_text=True,
    ),
    _choice(
        "life_stage",
        "Life stage",
        "年龄段",
        """
        young: Puppy / kitten / 幼年期
        adult: Adult / 成年期
        senior: Senior / 老年期
        """,
    ),
    _choice(
        "tea_type",
        "Tea type",
        "茶类",
        """
        green: Green tea / 绿茶
        black: Black tea / 红茶
        oolong: Oolong / 乌龙茶
        white: White tea / 白茶
        pu-erh: Pu-erh / 普洱
        jasmine: Jasmine / 茉莉花茶
        herbal: Herbal / 花草茶
        """,
    ),
    _choice(
        "roast",
        "Roast",
        "烘焙度",
        """
        light: Light / 浅烘
        medium: Medium / 中烘
        dark: Dark / 深烘
        """,
    ),
    _choice(
        "coffee_form",
        "Form",
        "形态",
        """
        whole-bean: Whole bean / 咖啡豆
        ground: Ground / 咖啡粉
        drip-bag: Drip bags / 挂耳
        instant: Instant / 速溶
        """,
    ),
    _choice(
        "origin",
        "Origin",
        "产地",
        """
        yunnan: Yunnan / 云南
        fujian: Fujian / 福建
        zhejiang: Zhejiang / 浙江
        anhui: Anhui / 安徽
        sichuan: Sichuan / 四川
        ethiopia: Ethiopia / 埃塞俄比亚
        colombia: Colombia / 哥伦比亚
        brazil: Brazil / 巴西
        kenya: Kenya / 肯尼亚
        guatemala: Guatemala / 危地马拉
        sri-lanka: Sri Lanka / 斯里兰卡
        japan: Japan / 日本
        local: Local farms / 本地农场
        """,
    ),
    _number("net_weight", "Net weight", "净重", "g"),
    _choice("organic", "Organic", "有机", _YES_NO),
    _choice(
        "diet",
        "Dietary",
        "饮食偏好",
        """
        vegan: Vegan / 纯素
        gluten-free: Gluten-free / 无麸质
        low-sugar: Low sugar / 低糖
        high-protein: High protein / 高蛋白
        classic: Classic recipe / 经典配方
        """,
    ),
    _choice(
        "metal",
        "Metal",
        "金属材质",
        """
        sterling-silver: Sterling silver / 925银
        gold-plated: 18k gold-plated / 18K镀金
        solid-gold: 14k solid gold / 14K金
        stainless-steel: Stainless steel / 不锈钢
        titanium: Titanium / 钛
        rose-gold-plated: Rose gold-plated / 玫瑰金镀层
        """,
        lower_in_text=True,
    ),
    _choice(
        "gemstone",
        "Stone",
        "宝石",
        """
        none: None / 无
        cubic-zirconia: Cubic zirconia / 锆石
        pearl: Freshwater pearl / 淡水珍珠
        moonstone: Moonstone / 月光石
        amethyst: Amethyst / 紫水晶
        jade: Jade / 玉石
        topaz: Blue topaz / 蓝托帕石
        """,
        lower_in_text=True,
    ),
    _choice(
        "movement",
        "Movement",
        "机芯",
        """
        quartz: Quartz / 石英
        automatic: Automatic / 自动机械
        solar: Solar / 光动能
        smart: Smart / 智能
        """,
    ),
    _number("water_resistance", "Water resistance", "防水深度", "m"),
    _number("case_size", "Case size", "表盘直径", "mm"),
    _number("laptop_size", "Fits laptop up to", "适配笔记本", "in"),
    _choice(
        "luggage_size",
        "Luggage size",
        "箱体尺寸",
        """
        carry-on: Carry-on / 登机箱
        medium: Medium check-in / 中号托运箱
        large: Large check-in / 大号托运箱
        """,
    ),
    _choice(
        "shell",
        "Shell",
        "箱体类型",
        """
        hard: Hard shell / 硬箱
        soft: Soft shell / 软箱
        """,
    ),
    _choice(
        "power_source",
        "Power source",
        "供电方式",
        """
        battery: Battery / 电池
        rechargeable: Rechargeable / 充电式
        solar: Solar / 太阳能
        corded: Mains powered / 插电
        manual: Manual / 手动
        car-12v: 12 V car socket / 车载12V
        """,
    ),
    _number("lumens", "Brightness", "亮度", "lm"),
    _choice(
        "season",
        "Season",
        "季节",
        """
        summer: Summer / 夏季
        3-season: 3-season / 三季
        4-season: 4-season / 四季
        """,
    ),
    _number("sleeps", "Sleeps", "可容纳人数", "people"),
    _number("temp_rating", "Comfort rating", "舒适温标", "°C"),
    _number("thickness", "Thickness", "厚度", "mm"),
    _choice(
        "resistance",
        "Resistance",
        "阻力",
        """
        light: Light / 轻阻力
        medium: Medium / 中阻力
        heavy: Heavy / 重阻力
        """,
    ),
    _choice(
        "vehicle_fit",
        "Vehicle fit",
        "适配车型",
        """
        universal: Universal / 通用
        sedan: Sedans / 轿车
        suv: SUVs / SUV
        pickup: Pickups / 皮卡
        """,
    ),
    _choice(
        "resolution",
        "Resolution",
        "分辨率",
        """
        1080p: 1080p / 1080p
        1440p: 1440p / 2K
        4k: 4K / 4K
        """,
    ),
    _number("page_count", "Pages", "页数", "pages"),
    _choice(
        "book_format",
        "Format",
        "装帧",
        """
        hardcover: Hardcover / 精装
        paperback: Paperback / 平装
        """,
    ),
    _choice(
        "book_language",
        "Language",
        "语言",
        """
        en: English / 英文
        zh: Chinese / 中文
        bilingual: English & Chinese / 中英双语
        """,
    ),
    _choice(
        "genre",
        "Genre",
        "类型",
        """
        fiction: Fiction / 小说
        cookbook: Cookbook / 美食烹饪
        travel: Travel / 旅行
        picture-book: Picture book / 绘本
        popular-science: Popular science / 科普
        """,
    ),
    _choice(
        "ruling",
        "Ruling",
        "内页格式",
        """
        lined: Lined / 横线
        dot: Dot grid / 点阵
        grid: Grid / 方格
        blank: Blank / 空白
        """,
    ),
    _choice(
        "paper_size",
        "Paper size",
        "开本",
        """
        a4: A4 / A4
        a5: A5 / A5
        a6: A6 pocket / A6口袋本
        """,
    ),
    _choice(
        "ink_color",
        "Ink colour",
        "墨水颜色",
        """
        black: Black / 黑色
        blue: Blue / 蓝色
        red: Red / 红色
        assorted: Assorted / 多色
        """,
    ),
    _number("tip_size", "Tip size", "笔尖粗细", "mm"),
)

ATTRIBUTES: dict[str, AttributeSpec] = {spec.code: spec for spec in ATTRIBUTE_LIST}


@dataclass(frozen=True)
class BrandSpec:
    slug: str
    name: str
    name_zh: str
    # top-level category slugs the brand sells in
    categories: tuple[str, ...]


def _brand(name: str, name_zh: str, *categories: str) -> BrandSpec:
    slug = name.lower().replace("&", "and").replace(" ", "-").replace("'", "")
    return BrandSpec(slug, name, name_zh, categories)


BRANDS: tuple[BrandSpec, ...] = (
    _brand("Northwend", "北境", "apparel", "shoes", "sports-outdoors"),
    _brand("Strideleaf", "步叶", "shoes", "sports-outdoors"),
    _brand("Cobalt Hare", "", "shoes", "apparel"),
    _brand("Marrowby", "玛若比", "apparel"),
    _brand("Linden & Loom", "林登织造", "apparel", "baby"),
    _brand("Quietfield", "", "apparel", "home-kitchen"),
    _brand("Sablemoor", "", "apparel", "bags-luggage"),
    _brand("Tessaro", "泰萨罗", "shoes", "bags-luggage", "jewelry-watches"),
    _brand("Ridgewick", "岭威", "shoes", "sports-outdoors", "bags-luggage"),
    _brand("Voltani", "沃坦尼", "electronics", "automotive"),
    _brand("Brightlark", "亮雀", "electronics", "garden"),
    _brand("Kestrel Audio", "隼鸣声学", "electronics"),
    _brand("Hummingcell", "", "electronics", "automotive"),
    _brand("Orbisk", "欧比斯克", "electronics"),
    _brand("Nimbiq", "", "electronics", "home-kitchen"),
    _brand("Hearthwell", "暖居", "home-kitchen"),
    _brand("Copperleaf Kitchen", "铜叶厨房", "home-kitchen"),
    _brand("Pebblestone", "卵石家居", "home-kitchen", "garden"),
    _brand("Oakhollow", "", "home-kitchen", "toys"),
    _brand("Dawnmere", "晨湖", "beauty"),
    _brand("Petalcraft", "花艺坊", "beauty"),
    _brand("Lumiève", "露米薇", "beauty"),
    _brand("Saltgrass", "", "beauty", "baby"),
    _brand("Verdalia", "绿黛", "beauty", "grocery"),
    _brand("Summitry", "峰迹", "sports-outdoors", "apparel"),
    _brand("Tidewell", "", "sports-outdoors", "bags-luggage"),
    _brand("Emberpine", "燃松", "sports-outdoors"),
    _brand("Flexora", "", "sports-outdoors", "apparel"),
    _brand("Pipsqueak Works", "小不点工坊", "toys", "baby"),
    _brand("Brickwhistle", "", "toys"),
    _brand("Marble & Moss", "石苔", "toys", "books-stationery"),
    _brand("Tinkerbay", "匠湾", "toys"),
    _brand("Inkwell Row", "墨井巷", "books-stationery"),
    _brand("Paperlane", "纸巷", "books-stationery"),
    _brand("Lanternfly Press", "萤火出版", "books-stationery"),
    _brand("Quillsby", "", "books-stationery"),
    _brand("Barkley Bros", "", "pet-supplies"),
    _brand("Whiskerwood", "须木", "pet-supplies"),
    _brand("Pawlette", "爪印", "pet-supplies"),
    _brand("Snoutly", "", "pet-supplies"),
    _brand("Misty Ridge Tea", "雾岭茶坊", "grocery"),
    _brand("Cloudterrace", "云台", "grocery"),
    _brand("Roastwright", "", "grocery"),
    _brand("Larder & Lane", "", "grocery"),
    _brand("Hillmoon", "山月", "grocery", "beauty"),
    _brand("Aurelith", "奥瑞丽", "jewelry-watches"),
    _brand("Vesper & Vine", "", "jewelry-watches"),
    _brand("Chronara", "时澜", "jewelry-watches"),
    _brand("Silverthaw", "银融", "jewelry-watches"),
    _brand("Wayfarer Lane", "行者", "bags-luggage"),
    _brand("Carryall Co.", "", "bags-luggage"),
    _brand("Jetstream Goods", "逐风", "bags-luggage", "electronics"),
    _brand("Little Fern", "小蕨", "baby"),
    _brand("Cradlewood", "摇篮木", "baby"),
    _brand("Nestling", "", "baby", "toys"),
    _brand("Greenhaven", "绿港", "garden"),
    _brand("Mossgate", "", "garden"),
    _brand("Spadewell", "锄井", "garden"),
    _brand("Roadwise", "路智", "automotive"),
    _brand("Gearlock", "", "automotive", "sports-outdoors"),
    _brand("Drivelane", "驰道", "automotive"),
    _brand("Polishpoint", "", "automotive", "home-kitchen"),
)

TOPS: tuple[Top, ...] = (
    *content_fashion.TOPS,
    *content_home_tech.TOPS,
    *content_lifestyle.TOPS,
)
