"""Demo content: electronics, home & kitchen, garden, automotive."""

from __future__ import annotations

from .spec import Kind, Leaf, Top, feats, pair, pairs, quals, schema, words
from .spec import NumberRange as N

TECH_COLORS = ("black", "black", "white", "grey", "charcoal", "navy", "sage", "silver", "blue")

ELECTRONICS = Top(
    slug="electronics",
    name="Electronics",
    name_zh="数码电子",
    description=pair(
        "Headphones, speakers, phone accessories, smart home and wearables. "
        "|| 耳机、音箱、手机配件、智能家居与智能穿戴。"
    ),
    schema=schema("color!", "connectivity", "battery_life", "weight~"),
    attrs={
        "color": TECH_COLORS,
        "connectivity": ("bluetooth",),
        "battery_life": N(8, 40, 2),
        "weight": N(30, 300, 5),
    },
    model_words=words(
        "Pulse",
        "Echo",
        "Nova",
        "Vector",
        "Quanta",
        "Flux",
        "Arc",
        "Prism",
        "Halo",
        "Sonic",
        "Axis",
        "Beacon",
        "Ion",
        "Orbit",
        "Volt",
        "Aero",
        "Nexa",
        "Zenith",
    ),
    model_suffixes=("", "2", "3", "Pro", "Max", "Air", "Mini", "S", "X", "Plus"),
    features=feats(
        "Two-year warranty | Covered by a two-year warranty and a replace-first policy. "
        "|| 两年质保 | 提供两年质保，出现问题优先换新。",
        "[connectivity=bluetooth,wifi,zigbee] Firmware updates | Regular firmware updates "
        "add features after you buy. "
        "|| 固件升级 | 定期推送固件更新，买回家后功能还会增加。",
        "[battery_life=*] USB-C charging | It charges over USB-C, the same cable as your laptop. "
        "|| USB-C充电 | 采用USB-C接口充电，和笔记本共用一根线。",
    ),
    closers=pairs(
        "In the box: the device, a USB-C cable and a quick-start guide. "
        "|| 包装内含主机、USB-C数据线及快速入门指南。",
        "Packaging is plastic-free and fully recyclable. || 包装不含塑料，可完全回收。",
        "Set-up takes a couple of minutes in the free companion app. "
        "|| 在免费配套App中几分钟即可完成设置。",
    ),
    praise=pairs(
        "Paired instantly and the connection never drops. || 一秒配对，连接从没断过。",
        "Battery life is even better than advertised. || 续航比宣传的还要好。",
        "Feels premium in the hand. || 拿在手里很有质感。",
        "Set-up was painless. || 设置过程非常简单。",
    ),
    gripes=pairs(
        "The app is clunky and asks for too many permissions. || App不太好用，还要一堆权限。",
        "Battery life dropped noticeably after a few months. || 用了几个月续航明显下降。",
        "The connection cuts out in a crowded place. || 人多的地方偶尔会断连。",
        "The buttons feel cheap. || 按键手感有点廉价。",
    ),
    leaves=(
        Leaf(
            slug="headphones",
            name="Headphones & Earbuds",
            name_zh="耳机",
            code="HPH",
            weight=4,
            schema=schema("form_factor!", "noise_cancelling", "ip_rating"),
            attrs={
                "noise_cancelling": ("active", "active", "passive"),
                "ip_rating": ("ipx4", "ip54"),
            },
            scenes=pairs(
                "long flights || 长途飞行",
                "the daily commute || 每天通勤",
                "focused work at your desk || 伏案专注工作",
                "late-night listening || 深夜听歌",
                "video calls || 视频会议",
            ),
            traits=pairs("immersive || 沉浸", "comfortable || 舒适", "clear-sounding || 清晰"),
            features=feats(
                "[noise_cancelling=active] Active noise cancelling | Active noise cancelling "
                "quiets engine hum and office chatter. || 主动降噪 | 主动降噪有效削弱引擎轰鸣"
                "和办公室的嘈杂人声。",
                "[noise_cancelling=active] Transparency mode | Hear announcements without "
                "taking them off. || 通透模式 | 不用摘下耳机也能听清广播。",
                "[noise_cancelling=passive] Snug passive seal | A snug seal blocks noise "
                "without electronics. || 物理隔音 | 贴合密封的设计，不靠电路也能隔绝噪音。",
                "Up to {battery_life} hours | Up to {battery_life} hours of playback per "
                "charge. || {battery_life}小时续航 | 单次充电最长可播放约{battery_life}小时。",
                "Fast charge | Ten minutes of charging gives about three hours of listening. "
                "|| 快充 | 充电10分钟，可以听3小时左右。",
                "Multipoint pairing | Stay connected to your laptop and phone at once. "
                "|| 多点连接 | 可同时连接电脑和手机，来电自动切换。",
                "Clear calls | Four beamforming mics pick out your voice on calls. "
                "|| 通话清晰 | 四麦克风波束成形，通话时精准拾取人声。",
                "[ip_rating=ipx4,ip54,ip67] Sweat-resistant | Rated {ip_rating}, so sweat and "
                "rain are no problem. || 防汗防水 | {ip_rating}级防护，不怕汗水和雨水。",
                "Custom EQ | Tune the sound to taste in the companion app. "
                "|| 自定义音效 | 可在App中按喜好调节均衡器。",
            ),
            kinds=(
                Kind(
                    key="over-ear",
                    noun="Over-Ear Headphones",
                    noun_zh="头戴式耳机",
                    price=(60, 350),
                    article="a pair of",
                    plural="over-ear headphones",
                    weight=2,
                    attrs={
                        "form_factor": ("over-ear",),
                        "battery_life": N(20, 60, 5),
                        "weight": N(220, 320, 5),
                        "ip_rating": None,
                    },
                    qualifiers=quals(
                        "Wireless || 无线",
                        "[noise_cancelling=active] Noise-Cancelling || 降噪",
                    ),
                    features=feats(
                        "Memory-foam cushions | Soft protein-leather cushions stay comfortable "
                        "for hours. || 记忆棉耳罩 | 蛋白皮记忆棉耳罩，戴几个小时也不夹头。",
                        "Folds flat | The ear cups fold flat into a slim travel case. "
                        "|| 可折叠 | 耳罩可平折，收进轻薄收纳盒随身带。",
                    ),
                ),
                Kind(
                    key="earbuds",
                    noun="True Wireless Earbuds",
                    noun_zh="真无线耳机",
                    price=(30, 250),
                    article="a pair of",
                    plural="true wireless earbuds",
                    weight=3,
                    attrs={
                        "form_factor": ("in-ear",),
                        "battery_life": N(5, 10, 1),
                        "weight": N(4, 7, 1),
                        "ip_rating": ("ipx4", "ip54", "ip67"),
                    },
                    qualifiers=quals("[noise_cancelling=active] Noise-Cancelling || 降噪"),
                    features=feats(
                        "Pocket charging case | The case adds several more full charges on the "
                        "go. || 充电盒 | 随身充电盒还能为耳机补充多次电量。",
                        "Three tip sizes | Small, medium and large tips for a secure seal. "
                        "|| 三种耳塞 | 附大中小三副耳塞，找到最贴合的尺寸。",
                    ),
                ),
                Kind(
                    key="open-ear",
                    noun="Open-Ear Sport Headphones",
                    noun_zh="开放式运动耳机",
                    price=(50, 180),
                    article="a pair of",
                    plural="open-ear sport headphones",
                    attrs={
                        "form_factor": ("open-ear",),
                        "noise_cancelling": None,
                        "battery_life": N(6, 12, 1),
                        "weight": N(26, 36, 1),
                        "ip_rating": ("ip67", "ip68"),
                    },
                    scenes=pairs(
                        "outdoor runs || 户外跑步",
                        "cycling commutes || 骑行通勤",
                        "gym sessions || 健身训练",
                    ),
                    features=feats(
                        "Stay aware | Your ears stay open, so you still hear traffic. "
                        "|| 保持警觉 | 不入耳设计，依然能听到周围的车流声。",
                    ),
                ),
                Kind(
                    key="wired",
                    noun="Wired Earphones",
                    noun_zh="有线耳机",
                    price=(10, 40),
                    article="a pair of",
                    plural="wired earphones",
                    attrs={
                        "form_factor": ("in-ear",),
                        "connectivity": ("wired", "usb-c"),
                        "battery_life": None,
                        "noise_cancelling": ("passive",),
                        "weight": N(12, 20, 1),
                        "ip_rating": None,
                    },
                    features=feats(
                        "No charging ever | Plug in and listen — nothing to charge. "
                        "|| 无需充电 | 插上就能听，永远不用担心没电。",
                        "Inline remote | An inline remote answers calls and skips tracks. "
                        "|| 线控 | 线控按键可接听电话、切换歌曲。",
                    ),
                ),
            ),
        ),
        Leaf(
            slug="phone-accessories",
            name="Phone Accessories",
            name_zh="手机配件",
            code="PHA",
            weight=4,
            schema=schema("phone_size", "power", "battery_capacity", "material"),
            attrs={
                "phone_size": ("universal",),
                "battery_life": None,
                "power": None,
                "battery_capacity": None,
                "material": None,
                "connectivity": ("usb-c",),
                "weight": N(20, 80, 5),
            },
            scenes=pairs(
                "everyday carry || 日常随身",
                "travel days || 出行途中",
                "your desk at work || 办公桌上",
                "the bedside table || 床头柜",
            ),
            traits=pairs("slim || 轻薄", "durable || 耐用", "reliable || 可靠"),
            features=feats(
                "Certified safe | Over-current and over-heat protection are built in. "
                "|| 安全认证 | 内置过流、过热保护，用着放心。",
            ),
            kinds=(
                Kind(
                    key="case",
                    noun="Phone Case",
                    noun_zh="手机壳",
                    price=(9, 35),
                    weight=3,
                    attrs={
                        "phone_size": ("6-1-inch", "6-3-inch", "6-7-inch"),
                        "material": ("tpu", "silicone", "leather", "recycled-plastic"),
                        "connectivity": ("wireless-charging",),
                        "color": ("black", "white", "navy", "sage", "pink", "lavender", "tan"),
                    },
                    qualifiers=quals(
                        "[material=silicone] Silicone || 硅胶",
                        "[material=leather] Leather || 真皮",
                        "Clear || 透明",
                        "Rugged || 防摔",
                    ),
                    features=feats(
                        "Drop-tested | Raised corners survived 2 m drop tests onto concrete. "
                        "|| 防摔测试 | 四角加厚，经2米水泥地跌落测试。",
                        "Wireless-charging friendly | Charges wirelessly without taking the case "
                        "off. || 支持无线充电 | 无需取下手机壳即可无线充电。",
                        "Raised lip | A raised lip keeps the screen and camera off the table. "
                        "|| 凸边保护 | 屏幕与镜头边缘加高，平放时不直接接触桌面。",
                        "[material=silicone] Soft-touch silicone | Soft-touch silicone that "
                        "won't slip out of your hand. || 亲肤硅胶 | 亲肤硅胶手感细腻，"
                        "握持不易滑落。",
                    ),
                ),
                Kind(
                    key="charger",
                    noun="Fast Charger",
                    noun_zh="快充充电器",
                    price=(15, 49),
                    weight=2,
                    attrs={"power": N(20, 65, 5), "material": ("abs-plastic",)},
                    title_spec=("power",),
                    features=feats(
                        "{power} W output | {power} W is enough to fast-charge a phone or a "
                        "tablet. || {power}瓦输出 | {power}瓦功率，手机平板都能快充。",
                        "Folding plug | The prongs fold away for your bag. "
                        "|| 折叠插脚 | 插脚可折叠，放包里不硌东西。",
                    ),
                ),
                Kind(
                    key="cable",
                    noun="Braided USB-C Cable",
                    noun_zh="USB-C编织数据线",
                    price=(8, 25),
                    attrs={"power": N(60, 100, 40), "material": ("nylon",)},
                    features=feats(
                        "Braided jacket | A nylon braid survives 20,000 bends. "
                        "|| 尼龙编织 | 尼龙编织外皮，可承受两万次弯折。",
                    ),
                ),
                Kind(
                    key="power-bank",
                    noun="Power Bank",
                    noun_zh="充电宝",
                    price=(20, 70),
                    weight=2,
                    attrs={
                        "battery_capacity": (5000, 10000, 10000, 20000),
                        "power": N(20, 30, 5),
                        "weight": N(110, 380, 10),
                    },
                    title_spec=("battery_capacity",),
                    features=feats(
                        "{battery_capacity} mAh | {battery_capacity} mAh recharges a typical "
                        "phone about {phone_charges} times. || {battery_capacity}毫安时 | "
                        "{battery_capacity}毫安时容量，可为普通手机充电约{phone_charges}次。",
                        "Flight-friendly | Small enough to carry on a plane. "
                        "|| 可带上飞机 | 容量符合民航随身携带规定。",
                    ),
                ),
                Kind(
                    key="pad",
                    noun="Wireless Charging Pad",
                    noun_zh="无线充电板",
                    price=(18, 50),
                    attrs={
                        "connectivity": ("wireless-charging",),
                        "power": N(10, 15, 5),
                        "material": ("aluminium", "silicone"),
                    },
                    features=feats(
                        "Drop and charge | Set your phone down and it starts charging. "
                        "|| 放下即充 | 手机一放就开始充电。",
                    ),
                ),
            ),
        ),
        Leaf(
            slug="smart-home",
            name="Smart Home",
            name_zh="智能家居",
            code="SMH",
            weight=3,
            schema=schema("power_source", "resolution", "lumens"),
            attrs={
                "connectivity": ("wifi", "wifi", "zigbee"),
                "battery_life": None,
                "power_source": ("corded",),
                "resolution": None,
                "lumens": None,
                "color": ("white", "white", "black", "grey"),
            },
            scenes=pairs(
                "busy households || 忙碌的家庭",
                "first smart-home setups || 第一次搭建智能家居",
                "keeping an eye on home while away || 出门在外照看家里",
                "renters || 租房一族",
            ),
            traits=pairs("simple || 简单", "reliable || 可靠", "energy-saving || 节能"),
            features=feats(
                "Works without an account | Local control keeps working even if the internet "
                "goes down. || 本地控制 | 支持本地控制，断网时依然可用。",
                "Voice assistant support | Works with the major voice assistants. "
                "|| 语音控制 | 兼容主流语音助手。",
                "Schedules and scenes | Set schedules and scenes in the app in a few taps. "
                "|| 定时与场景 | 在App里点几下就能设置定时和场景。",
                "[connectivity=zigbee] Zigbee mesh | Zigbee devices strengthen the mesh as you "
                "add more. || Zigbee组网 | Zigbee设备越多，网络覆盖越稳定。",
            ),
            kinds=(
                Kind(
                    key="plug",
                    noun="Smart Plug",
                    noun_zh="智能插座",
                    price=(12, 35),
                    weight=2,
                    features=feats(
                        "Energy monitoring | See how much power each appliance uses. "
                        "|| 电量统计 | 查看每个电器的用电量。",
                    ),
                ),
                Kind(
                    key="bulb",
                    noun="Smart LED Bulb",
                    noun_zh="智能LED灯泡",
                    price=(10, 30),
                    attrs={"lumens": N(800, 1100, 100)},
                    title_spec=("lumens",),
                    features=feats(
                        "16 million colours | Tunable white plus 16 million colours. "
                        "|| 千万色彩 | 色温可调，另有1600万种颜色可选。",
                        "{lumens} lumens | {lumens} lumens replaces a traditional 75 W bulb. "
                        "|| {lumens}流明 | {lumens}流明亮度，可替代传统75瓦灯泡。",
                    ),
                ),
                Kind(
                    key="doorbell",
                    noun="Video Doorbell",
                    noun_zh="可视门铃",
                    price=(60, 180),
                    attrs={
                        "connectivity": ("wifi",),
                        "resolution": ("1080p", "1440p"),
                        "power_source": ("rechargeable", "corded"),
                    },
                    features=feats(
                        "Head-to-toe view | A tall field of view shows parcels on the doorstep. "
                        "|| 全身视野 | 竖向广角视野，门口的快递也看得清。",
                        "No subscription needed | Clips are stored locally, free. "
                        "|| 无需订阅 | 录像本地存储，不收月费。",
                    ),
                ),
                Kind(
                    key="camera",
                    noun="Indoor Security Camera",
                    noun_zh="室内监控摄像头",
                    price=(30, 120),
                    attrs={"connectivity": ("wifi",), "resolution": ("1080p", "1440p", "4k")},
                    features=feats(
                        "Privacy shutter | A physical shutter covers the lens when you're home. "
                        "|| 物理遮挡 | 在家时可用物理挡板遮住镜头。",
                        "Night vision | Infrared night vision sees clearly in the dark. "
                        "|| 红外夜视 | 红外夜视，夜里也能看清楚。",
                    ),
                ),
                Kind(
                    key="robot-vacuum",
                    noun="Robot Vacuum",
                    noun_zh="扫地机器人",
                    price=(150, 500),
                    attrs={
                        "connectivity": ("wifi",),
                        "power_source": ("rechargeable",),
                        "battery_life": N(1.5, 3, 0.5),
                    },
                    scenes=pairs("homes with pets || 养宠家庭", "busy weeks || 忙碌的工作周"),
                    features=feats(
                        "Laser mapping | It maps your rooms and cleans in tidy rows. "
                        "|| 激光导航 | 激光建图，按区域规划清扫路线。",
                        "Tangle-free brush | A rubber brush that pet hair doesn't wrap around. "
                        "|| 防缠绕滚刷 | 胶刷设计，不易缠绕宠物毛发。",
                    ),
                ),
            ),
        ),
        Leaf(
            slug="speakers",
            name="Speakers",
            name_zh="音箱",
            code="SPK",
            weight=2,
            schema=schema("ip_rating", "power"),
            attrs={"ip_rating": ("ip67", "ipx4"), "power": N(10, 40, 5)},
            scenes=pairs(
                "picnics in the park || 公园野餐",
                "kitchen dance parties || 厨房里的小派对",
                "movie nights || 电影之夜",
                "backyard barbecues || 后院烧烤",
            ),
            traits=pairs("room-filling || 声场饱满", "punchy || 低音有力", "portable || 便携"),
            features=feats(
                "Deep bass | A passive radiator adds bass you can feel. "
                "|| 低音澎湃 | 被动辐射器加持，低音有力度。",
                "Stereo pairing | Pair two for proper stereo sound. "
                "|| 立体声配对 | 两台可组成立体声。",
                "{power} W of sound | {power} W of output fills a living room. "
                "|| {power}瓦输出 | {power}瓦功率，客厅大小的空间也能填满。",
            ),
            kinds=(
                Kind(
                    key="portable",
                    noun="Portable Bluetooth Speaker",
                    noun_zh="便携蓝牙音箱",
                    price=(25, 180),
                    weight=2,
                    attrs={"battery_life": N(10, 24, 2)},
                    features=feats(
                        "[ip_rating=ip67] Dust- and waterproof | IP67 means it survives a drop in "
                        "the pool. || IP67防尘防水 | IP67级防护，掉进泳池也没事。",
                        "Built-in strap | A sturdy strap clips onto a bike or backpack. "
                        "|| 挂绳设计 | 结实挂绳，可挂在自行车或背包上。",
                    ),
                ),
                Kind(
                    key="smart-speaker",
                    noun="Smart Speaker",
                    noun_zh="智能音箱",
                    price=(40, 200),
                    attrs={"connectivity": ("wifi",), "battery_life": None, "ip_rating": None},
                    features=feats(
                        "Multi-room audio | Group speakers around the house to play in sync. "
                        "|| 多房间播放 | 家中多台音箱可同步播放。",
                        "Mic mute switch | A hardware switch cuts the microphones. "
                        "|| 麦克风开关 | 物理开关一键关闭麦克风。",
                    ),
                ),
                Kind(
                    key="soundbar",
                    noun="Soundbar",
                    noun_zh="回音壁音箱",
                    price=(90, 400),
                    attrs={
                        "connectivity": ("bluetooth", "wifi"),
                        "battery_life": None,
                        "ip_rating": None,
                        "power": N(80, 300, 20),
                        "weight": N(1800, 3500, 100),
                    },
                    scenes=pairs("movie nights || 电影之夜", "game days || 看球赛的日子"),
                    features=feats(
                        "Dialogue enhancement | Voices stay clear over explosions. "
                        "|| 人声增强 | 爆炸场面中对白依然清晰。",
                    ),
                ),
            ),
        ),
        Leaf(
            slug="wearables",
            name="Wearables",
            name_zh="智能穿戴",
            code="WRB",
            weight=2,
            schema=schema("ip_rating"),
            attrs={"ip_rating": ("ip68",), "battery_life": N(36, 168, 12), "weight": N(20, 50, 2)},
            scenes=pairs(
                "daily workouts || 每日锻炼",
                "sleep tracking || 睡眠监测",
                "busy workdays || 忙碌的工作日",
            ),
            traits=pairs("lightweight || 轻巧", "accurate || 精准", "motivating || 激励"),
            features=feats(
                "Heart-rate and sleep | Tracks heart rate around the clock and scores your sleep. "
                "|| 心率与睡眠 | 全天候心率监测，并给出睡眠评分。",
                "Swim-proof | Water resistant enough for laps in the pool. "
                "|| 游泳可戴 | 防水性能足以应对泳池游泳。",
                "About {battery_life} hours per charge | Roughly {battery_life} hours between "
                "charges with typical use. || 约{battery_life}小时续航 | 日常使用约"
                "{battery_life}小时充一次电。",
            ),
            kinds=(
                Kind(
                    key="tracker",
                    noun="Fitness Tracker",
                    noun_zh="运动手环",
                    price=(30, 120),
                    attrs={"battery_life": N(120, 336, 24)},
                ),
                Kind(
                    key="smartwatch",
                    noun="Smartwatch",
                    noun_zh="智能手表",
                    price=(90, 350),
                    features=feats(
                        "Built-in GPS | Leave your phone at home on runs. "
                        "|| 内置GPS | 跑步时不带手机也能记录轨迹。",
                        "Always-on display | A bright always-on display is readable in sunlight. "
                        "|| 常亮屏幕 | 高亮常亮屏，阳光下也看得清。",
                    ),
                ),
            ),
        ),
        Leaf(
            slug="computer-accessories",
            name="Computer Accessories",
            name_zh="电脑配件",
            code="CMP",
            weight=2,
            attrs={"battery_life": None, "weight": N(60, 900, 20)},
            scenes=pairs(
                "working from home || 居家办公",
                "a tidy desk setup || 整洁的桌面布置",
                "long coding sessions || 长时间写代码",
                "hot-desking || 移动办公",
            ),
            traits=pairs("ergonomic || 人体工学", "compact || 小巧", "quiet || 安静"),
            features=feats(
                "Plug and play | No drivers to install on any major system. "
                "|| 即插即用 | 主流系统均无需安装驱动。",
                "Desk-friendly footprint | Small enough to leave room for a notebook. "
                "|| 占地小巧 | 体积小巧，桌上还能放下笔记本。",
            ),
            kinds=(
                Kind(
                    key="mouse",
                    noun="Wireless Mouse",
                    noun_zh="无线鼠标",
                    price=(15, 80),
                    attrs={"battery_life": N(300, 1400, 100), "weight": N(60, 110, 5)},
                    qualifiers=quals("Silent || 静音", "Ergonomic || 人体工学"),
                    features=feats(
                        "Silent clicks | Quiet switches that won't annoy the person next to you. "
                        "|| 静音按键 | 静音微动，不打扰身边的人。",
                    ),
                ),
                Kind(
                    key="keyboard",
                    noun="Mechanical Keyboard",
                    noun_zh="机械键盘",
                    price=(45, 180),
                    attrs={"battery_life": N(100, 400, 50), "weight": N(600, 900, 20)},
                    features=feats(
                        "Hot-swap switches | Swap switches without soldering. "
                        "|| 热插拔轴体 | 支持热插拔，更换轴体无需焊接。",
                        "Backlit keys | Warm white backlight for late evenings. "
                        "|| 背光键帽 | 暖白背光，夜里打字也清楚。",
                    ),
                ),
                Kind(
                    key="hub",
                    noun="USB-C Hub",
                    noun_zh="USB-C扩展坞",
                    price=(25, 90),
                    attrs={"connectivity": ("usb-c",), "material": None},
                    features=feats(
                        "Seven ports | HDMI, card readers and three USB ports from one plug. "
                        "|| 七合一 | 一个接口扩展出HDMI、读卡器和三个USB口。",
                    ),
                ),
                Kind(
                    key="stand",
                    noun="Laptop Stand",
                    noun_zh="笔记本支架",
                    price=(20, 60),
                    attrs={"connectivity": None, "weight": N(400, 900, 50)},
                    features=feats(
                        "Eye-level screen | Raises your screen to eye level to save your neck. "
                        "|| 抬高屏幕 | 把屏幕抬到视线高度，缓解颈椎压力。",
                    ),
                ),
            ),
        ),
    ),
)

HOME = Top(
    slug="home-kitchen",
    name="Home & Kitchen",
    name_zh="家居厨房",
    description=pair(
        "Cookware, small appliances, tableware, bedding, storage and décor. "
        "|| 锅具、厨房小电、餐具、床品、收纳与家居装饰。"
    ),
    schema=schema("color", "material", "care"),
    attrs={
        "color": ("white", "cream", "grey", "charcoal", "sage", "navy", "beige", "black", "teal"),
        "care": ("dishwasher-safe", "hand-wash"),
    },
    model_words=words(
        "Hearth",
        "Larder",
        "Maple",
        "Willow",
        "Saffron",
        "Pantry",
        "Juniper",
        "Clover",
        "Oriel",
        "Basil",
        "Harvest",
        "Nook",
        "Alder",
        "Hazel",
        "Rye",
        "Fennel",
    ),
    model_suffixes=("", "", "Classic", "Home", "Everyday", "Signature", "Studio"),
    features=feats(
        "Made to last | Built to be used daily for years, not replaced every season. "
        "|| 经久耐用 | 为天天使用而设计，不是用一季就换的消耗品。",
        "Easy to clean | Smooth surfaces that wipe clean in seconds. "
        "|| 易清洁 | 表面光滑，几秒钟就能擦干净。",
        "[care=dishwasher-safe] Dishwasher-safe | Goes straight in the dishwasher. "
        "|| 可用洗碗机 | 可直接放进洗碗机清洗。",
    ),
    closers=pairs(
        "Backed by a five-year guarantee. || 享五年品质保障。",
        "It makes a practical housewarming gift. || 作为乔迁礼物实用又体面。",
        "Designed in-house and tested in real homes. "
        "|| 由我们自己的团队设计，并在真实家庭中反复测试。",
    ),
    praise=pairs(
        "Looks great on the counter and works even better. || 摆在台面上好看，用起来更好。",
        "Solid and well made. || 做工扎实。",
        "Easy to clean, which is all I wanted. || 很好清洁，正是我想要的。",
    ),
    gripes=pairs(
        "Heavier than I expected. || 比想象中重。",
        "The finish scratched within weeks. || 用了几周表面就有划痕了。",
        "Instructions were confusing. || 说明书写得不太清楚。",
    ),
    leaves=(
        Leaf(
            slug="cookware",
            name="Cookware",
            name_zh="锅具",
            code="CKW",
            weight=3,
            schema=schema("diameter", "capacity", "induction"),
            attrs={
                "material": ("stainless-steel", "cast-iron", "aluminium"),
                "induction": ("yes", "yes", "no"),
                "diameter": N(20, 30, 2),
                "capacity": None,
            },
            scenes=pairs(
                "weeknight dinners || 工作日晚餐",
                "slow Sunday cooking || 周日慢炖",
                "cooking for a crowd || 招待亲友",
                "a first kitchen || 第一个厨房",
            ),
            traits=pairs("even-heating || 受热均匀", "sturdy || 结实", "versatile || 多用"),
            features=feats(
                "[induction=yes] Induction-ready | Works on gas, electric and induction hobs. "
                "|| 电磁炉适用 | 燃气灶、电陶炉、电磁炉通用。",
                "Oven-safe | Oven-safe to 260 °C, handle included. "
                "|| 可进烤箱 | 连同把手可耐260°C烤箱高温。",
                "[material=cast-iron] Holds heat | Cast iron holds heat for a proper sear. "
                "|| 蓄热好 | 铸铁蓄热能力强，煎牛排焦香上色。",
                "[material=stainless-steel] Tri-ply base | An aluminium core spreads heat "
                "evenly to the edges. || 三层复合底 | 铝芯复合锅底，热量均匀传到锅边。",
                "[material=aluminium] Non-stick coating | A PFAS-free ceramic coating lets eggs "
                "slide off. || 不粘涂层 | 不含PFAS的陶瓷不粘涂层，煎蛋轻松滑出。",
                "Stay-cool handle | The handle stays cool enough to hold on the hob. "
                "|| 防烫手柄 | 灶上烹饪时手柄不烫手。",
            ),
            kinds=(
                Kind(
                    key="frying-pan",
                    noun="Frying Pan",
                    noun_zh="平底煎锅",
                    price=(25, 140),
                    weight=2,
                    title_spec=("diameter",),
                    qualifiers=quals("[material=aluminium] Non-Stick || 不粘"),
                ),
                Kind(
                    key="dutch-oven",
                    noun="Dutch Oven",
                    noun_zh="珐琅铸铁锅",
                    price=(60, 260),
                    attrs={
                        "material": ("cast-iron",),
                        "diameter": N(22, 28, 2),
                        "capacity": N(3, 6.5, 0.5),
                        "care": ("hand-wash",),
                    },
                    title_spec=("capacity",),
                    features=feats(
                        "Enamelled interior | No seasoning needed, and acidic sauces are fine. "
                        "|| 搪瓷内壁 | 无需开锅养锅，番茄等酸性食材也可放心烹饪。",
                    ),
                ),
                Kind(
                    key="saucepan",
                    noun="Saucepan",
                    noun_zh="单柄汤锅",
                    price=(25, 110),
                    attrs={
                        "material": ("stainless-steel",),
                        "diameter": N(16, 20, 2),
                        "capacity": N(1.5, 3, 0.5),
                    },
                    title_spec=("capacity",),
                    features=feats(
                        "Pour spouts | Pouring lips on both sides mean fewer drips. "
                        "|| 双侧倒口 | 两侧都有倒水口，倒汤不滴漏。",
                    ),
                ),
                Kind(
                    key="wok",
                    noun="Wok",
                    noun_zh="炒锅",
                    price=(30, 120),
                    attrs={"diameter": N(30, 36, 2)},
                    features=feats(
                        "Round-bottomed bowl | A deep bowl for tossing stir-fries properly. "
                        "|| 深锅身 | 锅身深，翻炒时食材不易溅出。",
                    ),
                ),
            ),
        ),
        Leaf(
            slug="kitchen-appliances",
            name="Kitchen Appliances",
            name_zh="厨房小电",
            code="KAP",
            weight=3,
            schema=schema("power", "capacity"),
            attrs={
                "material": ("stainless-steel", "glass", "abs-plastic"),
                "care": ("wipe-clean",),
                "color": ("white", "black", "cream", "sage", "silver"),
            },
            scenes=pairs(
                "busy mornings || 忙碌的早晨",
                "healthy meal prep || 健康备餐",
                "small apartments || 小户型厨房",
                "family breakfasts || 全家早餐",
            ),
            traits=pairs("fast || 高效", "quiet || 安静", "compact || 小巧"),
            features=feats(
                "Auto shut-off | It switches itself off if left empty or unattended. "
                "|| 自动断电 | 空烧或无人看管时自动断电。",
                "{power} W | {power} W of power gets the job done quickly. "
                "|| {power}瓦 | {power}瓦大功率，省时高效。",
                "Cord storage | The cord winds into the base to keep counters tidy. "
                "|| 绕线收纳 | 电源线可收进底座，台面更整洁。",
            ),
            kinds=(
                Kind(
                    key="kettle",
                    noun="Electric Kettle",
                    noun_zh="电热水壶",
                    price=(20, 90),
                    weight=2,
                    attrs={"power": N(1500, 2200, 100), "capacity": N(1, 1.7, 0.1)},
                    title_spec=("capacity",),
                    qualifiers=quals("Gooseneck || 细口", "Temperature-Control || 控温"),
                    features=feats(
                        "Variable temperature | Five presets, from 70 °C for green tea to a full "
                        "boil. || 多档控温 | 五档预设温度，从泡绿茶的70°C到沸腾一键切换。",
                    ),
                ),
                Kind(
                    key="blender",
                    noun="Blender",
                    noun_zh="破壁料理机",
                    price=(40, 220),
                    attrs={"power": N(800, 1500, 100), "capacity": N(1.2, 2, 0.2)},
                    features=feats(
                        "Crushes ice | Hardened blades crush ice for smoothies. "
                        "|| 轻松碎冰 | 硬化刀片，做冰沙轻松碎冰。",
                    ),
                ),
                Kind(
                    key="rice-cooker",
                    noun="Rice Cooker",
                    noun_zh="电饭煲",
                    price=(40, 200),
                    attrs={"power": N(500, 1000, 50), "capacity": N(1, 5, 0.5)},
                    title_spec=("capacity",),
                    features=feats(
                        "Keep-warm | Keeps rice warm for hours without drying it out. "
                        "|| 保温功能 | 长时间保温，米饭也不会变干。",
                        "Porridge setting | Dedicated settings for porridge, brown rice and "
                        "steaming. || 多种模式 | 有煮粥、糙米和蒸煮等专用模式。",
                    ),
                ),
                Kind(
                    key="air-fryer",
                    noun="Air Fryer",
                    noun_zh="空气炸锅",
                    price=(50, 180),
                    weight=2,
                    attrs={"power": N(1200, 1800, 100), "capacity": N(3.5, 6.5, 0.5)},
                    title_spec=("capacity",),
                    features=feats(
                        "Little to no oil | Crisp fries with a spoonful of oil. "
                        "|| 少油烹饪 | 一勺油就能做出酥脆薯条。",
                    ),
                ),
                Kind(
                    key="coffee-maker",
                    noun="Drip Coffee Maker",
                    noun_zh="滴滤咖啡机",
                    price=(35, 150),
                    attrs={"power": N(900, 1200, 100), "capacity": N(1, 1.5, 0.25)},
                    features=feats(
                        "Bloom cycle | A pre-infusion pause draws out fuller flavour. "
                        "|| 预浸泡 | 萃取前先闷蒸，咖啡风味更饱满。",
                    ),
                ),
            ),
        ),
        Leaf(
            slug="tableware",
            name="Tableware",
            name_zh="餐具",
            code="TBW",
            weight=2,
            schema=schema("piece_count"),
            attrs={"material": ("stoneware", "porcelain"), "piece_count": (4, 6, 12, 16)},
            scenes=pairs(
                "everyday meals || 一日三餐",
                "dinner parties || 家宴",
                "slow weekend breakfasts || 悠闲的周末早餐",
            ),
            traits=pairs("handsome || 好看", "durable || 耐用", "stackable || 可叠放"),
            features=feats(
                "Microwave-safe | Safe in the microwave for reheating. "
                "|| 可微波 | 可放入微波炉加热。",
                "[material=stoneware] Reactive glaze | A reactive glaze makes every piece a "
                "little different. || 窑变釉 | 窑变釉色，每一件都略有不同。",
                "Chip-resistant rims | Rolled rims resist chipping. "
                "|| 防磕边缘 | 卷边设计，不易磕碰掉瓷。",
            ),
            kinds=(
                Kind(
                    key="dinnerware",
                    noun="Dinnerware Set",
                    noun_zh="餐具套装",
                    price=(40, 180),
                    title_spec=("piece_count",),
                ),
                Kind(
                    key="mug",
                    noun="Mug",
                    noun_zh="马克杯",
                    price=(10, 30),
                    attrs={"piece_count": (1, 2, 4)},
                    features=feats(
                        "Generous 400 ml | Holds a proper 400 ml of tea or coffee. "
                        "|| 400毫升大容量 | 容量足有400毫升，一杯喝个够。",
                    ),
                ),
                Kind(
                    key="tumblers",
                    noun="Glass Tumbler Set",
                    noun_zh="玻璃杯套装",
                    price=(18, 60),
                    attrs={"material": ("glass",), "piece_count": (4, 6)},
                    title_spec=("piece_count",),
                ),
                Kind(
                    key="cutlery",
                    noun="Cutlery Set",
                    noun_zh="刀叉餐具套装",
                    price=(25, 120),
                    attrs={"material": ("stainless-steel",), "piece_count": (16, 24, 30)},
                    title_spec=("piece_count",),
                    features=feats(
                        "18/10 stainless | Rust-resistant 18/10 stainless steel. "
                        "|| 18/10不锈钢 | 采用18/10不锈钢，不易生锈。",
                    ),
                ),
            ),
        ),
        Leaf(
            slug="bedding",
            name="Bedding",
            name_zh="床上用品",
            code="BED",
            weight=2,
            schema=schema("bed_size"),
            attrs={
                "material": ("cotton", "organic-cotton", "linen", "bamboo"),
                "care": ("machine-wash",),
                "bed_size": ("single", "double", "double", "king"),
            },
            scenes=pairs(
                "hot sleepers || 怕热的人",
                "lazy Sunday mornings || 慵懒的周日早晨",
                "guest rooms || 客房",
                "all-year comfort || 一年四季",
            ),
            traits=pairs("breathable || 透气", "soft || 柔软", "cosy || 舒适"),
            features=feats(
                "[material=cotton,organic-cotton] 300-thread-count percale | Crisp, cool percale "
                "that softens with every wash. || 300支精梳棉 | 挺括清爽的平纹棉，越洗越柔软。",
                "[material=linen] Stonewashed linen | Stonewashed for a relaxed, lived-in look. "
                "|| 石洗亚麻 | 经石洗处理，自带慵懒松弛的质感。",
                "[material=bamboo] Cool to the touch | Bamboo fibre feels cool on warm nights. "
                "|| 凉感 | 竹纤维触感清凉，闷热夜晚也好睡。",
                "OEKO-style tested | Tested free of harmful substances. "
                "|| 安全检测 | 经有害物质检测，贴身使用更安心。",
            ),
            kinds=(
                Kind(
                    key="duvet",
                    noun="Duvet Cover Set",
                    noun_zh="被套套件",
                    price=(45, 180),
                    weight=2,
                    features=feats(
                        "Corner ties | Ties in each corner stop the duvet bunching up. "
                        "|| 四角系带 | 四角系带固定被芯，不跑位不结团。",
                    ),
                ),
                Kind(key="sheets", noun="Fitted Sheet Set", noun_zh="床笠套装", price=(35, 150)),
                Kind(
                    key="throw",
                    noun="Throw Blanket",
                    noun_zh="盖毯",
                    price=(25, 90),
                    attrs={"material": ("cotton", "merino-wool", "fleece"), "bed_size": None},
                ),
            ),
        ),
        Leaf(
            slug="storage",
            name="Storage & Organisation",
            name_zh="收纳整理",
            code="STO",
            weight=2,
            schema=schema("piece_count"),
            attrs={
                "material": ("bamboo", "canvas", "recycled-plastic", "glass"),
                "piece_count": (1, 3, 4, 6),
                "care": ("wipe-clean",),
            },
            scenes=pairs(
                "small flats || 小户型",
                "a pantry refresh || 整理食品柜",
                "kids' rooms || 儿童房",
                "spring cleaning || 春季大扫除",
            ),
            traits=pairs("tidy || 整洁", "space-saving || 节省空间", "modular || 模块化"),
            features=feats(
                "Stacks neatly | Designed to stack without toppling. "
                "|| 稳固叠放 | 可稳稳叠放，不易倾倒。",
                "See what's inside | Easy to label or see through at a glance. "
                "|| 一目了然 | 方便贴标签，里面有什么一眼就知道。",
            ),
            kinds=(
                Kind(
                    key="basket",
                    noun="Storage Basket",
                    noun_zh="收纳篮",
                    price=(12, 45),
                    attrs={"material": ("bamboo", "canvas")},
                ),
                Kind(
                    key="containers",
                    noun="Glass Food Container Set",
                    noun_zh="玻璃保鲜盒套装",
                    price=(20, 60),
                    attrs={
                        "material": ("glass",),
                        "care": ("dishwasher-safe",),
                        "piece_count": (3, 5, 10),
                    },
                    title_spec=("piece_count",),
                    features=feats(
                        "Leak-proof lids | Four-clip lids seal tight for lunch boxes. "
                        "|| 密封不漏 | 四扣密封盖，带饭也不漏汤。",
                    ),
                ),
                Kind(
                    key="drawer",
                    noun="Drawer Organiser Set",
                    noun_zh="抽屉收纳盒",
                    price=(15, 40),
                    attrs={"material": ("bamboo", "recycled-plastic")},
                ),
            ),
        ),
        Leaf(
            slug="home-decor",
            name="Home Décor",
            name_zh="家居装饰",
            code="DEC",
            weight=2,
            schema=schema("scent_family"),
            attrs={"care": ("wipe-clean",), "scent_family": None},
            scenes=pairs(
                "cosy evenings || 温馨的夜晚",
                "a reading corner || 阅读角",
                "housewarming gifts || 乔迁礼物",
            ),
            traits=pairs("warm || 温馨", "calming || 舒缓", "handmade || 手作"),
            features=feats(
                "Small-batch made | Made in small batches by a family workshop. "
                "|| 小批量制作 | 由家庭作坊小批量制作。",
            ),
            kinds=(
                Kind(
                    key="candle",
                    noun="Scented Candle",
                    noun_zh="香薰蜡烛",
                    price=(12, 48),
                    weight=2,
                    attrs={
                        "material": ("glass",),
                        "scent_family": ("floral", "woody", "citrus", "fresh", "amber"),
                    },
                    features=feats(
                        "Soy wax | Clean-burning soy wax with a cotton wick. "
                        "|| 大豆蜡 | 大豆蜡配纯棉烛芯，燃烧更洁净。",
                        "45-hour burn | About 45 hours of burn time. "
                        "|| 约45小时 | 可燃烧约45小时。",
                        "[scent_family=woody] Cedar and smoke | Notes of cedar, vetiver and a "
                        "whisper of smoke. || 雪松烟熏 | 雪松、香根草，带一丝烟熏气息。",
                        "[scent_family=citrus] Bright citrus | Yuzu, bergamot and fresh basil. "
                        "|| 明亮柑橘 | 柚子、佛手柑与新鲜罗勒的清新组合。",
                        "[scent_family=floral] Soft florals | Peony, rose and white tea. "
                        "|| 柔和花香 | 牡丹、玫瑰与白茶交织。",
                    ),
                ),
                Kind(
                    key="lamp",
                    noun="Table Lamp",
                    noun_zh="台灯",
                    price=(35, 160),
                    attrs={"material": ("ceramic", "glass", "beech-wood")},
                    features=feats(
                        "Dimmable | A built-in dimmer for reading or winding down. "
                        "|| 可调光 | 内置调光，看书或放松都合适。",
                    ),
                ),
                Kind(
                    key="cushion",
                    noun="Throw Cushion",
                    noun_zh="抱枕",
                    price=(18, 55),
                    attrs={"material": ("linen", "cotton", "plush"), "care": ("machine-wash",)},
                    features=feats(
                        "Removable cover | The cover zips off for washing. "
                        "|| 可拆洗 | 枕套带拉链，可拆下清洗。",
                    ),
                ),
            ),
        ),
    ),
)

GARDEN = Top(
    slug="garden",
    name="Garden",
    name_zh="园艺",
    description=pair(
        "Tools, planters, watering, outdoor lighting and seeds. "
        "|| 园艺工具、花盆、浇灌、户外照明与种子。"
    ),
    schema=schema("color", "material", "power_source"),
    attrs={
        "color": ("green", "olive", "black", "grey", "sage"),
        "power_source": ("manual",),
    },
    model_words=words(
        "Greenthumb",
        "Bramble",
        "Meadow",
        "Orchard",
        "Trellis",
        "Sprout",
        "Thicket",
        "Grove",
        "Fernway",
        "Hedgerow",
        "Rootstock",
        "Dewdrop",
    ),
    model_suffixes=("", "", "Pro", "Plus", "Compact", "Classic"),
    features=feats(
        "Weatherproof | Built to be left outside through the seasons. "
        "|| 耐候 | 一年四季放在户外也不怕。",
        "Comfortable grip | Cushioned grips reduce hand fatigue. "
        "|| 舒适握持 | 软胶握把，减轻手部疲劳。",
    ),
    closers=pairs(
        "Rinse after use and store somewhere dry over winter. || 用后冲洗干净，冬季存放在干燥处。",
        "Covered by a three-year garden guarantee. || 享三年品质保障。",
    ),
    praise=pairs(
        "Makes weekend gardening much easier. || 周末打理花园轻松多了。",
        "Sturdy and well balanced. || 结实，拿在手里重心很稳。",
        "My plants are thriving. || 植物长得特别好。",
    ),
    gripes=pairs(
        "Rusted after one wet season. || 一个雨季过后就生锈了。",
        "Smaller than it looked online. || 比网上看起来小。",
        "The plastic parts feel flimsy. || 塑料部件有点单薄。",
    ),
    leaves=(
        Leaf(
            slug="garden-tools",
            name="Garden Tools",
            name_zh="园艺工具",
            code="GTL",
            weight=2,
            attrs={"material": ("stainless-steel", "beech-wood", "aluminium")},
            scenes=pairs(
                "weekend pruning || 周末修剪",
                "allotment days || 菜园劳作",
                "tidying the borders || 整理花境",
            ),
            traits=pairs("sharp || 锋利", "sturdy || 结实", "lightweight || 轻便"),
            features=feats(
                "Rust-resistant blades | Stainless blades resist rust and sap. "
                "|| 防锈刀刃 | 不锈钢刀刃，不怕锈蚀和树汁。",
                "Hang-up loop | A hanging loop for tidy shed storage. "
                "|| 挂孔设计 | 带挂孔，工具房里挂起来整整齐齐。",
            ),
            kinds=(
                Kind(
                    key="shears",
                    noun="Pruning Shears",
                    noun_zh="修枝剪",
                    price=(15, 60),
                    plural="pruning shears",
                    article="a pair of",
                    attrs={"material": ("stainless-steel",)},
                    features=feats(
                        "Bypass blades | Bypass blades make clean cuts that heal fast. "
                        "|| 剪切式刀口 | 剪切式刀口切面平整，枝条愈合更快。",
                    ),
                ),
                Kind(
                    key="trowels",
                    noun="Hand Tool Set",
                    noun_zh="园艺手工具套装",
                    price=(18, 55),
                    features=feats(
                        "Three essentials | Trowel, transplanter and cultivator in one set. "
                        "|| 三件套 | 小铲、移苗铲、松土耙一套齐全。",
                    ),
                ),
                Kind(
                    key="hedge-trimmer",
                    noun="Cordless Hedge Trimmer",
                    noun_zh="充电式绿篱机",
                    price=(60, 200),
                    attrs={"power_source": ("rechargeable",), "material": ("abs-plastic",)},
                    features=feats(
                        "50 cm blade | A 50 cm blade gets through a hedge quickly. "
                        "|| 50厘米刀片 | 50厘米长刀片，修剪绿篱效率高。",
                        "Swappable battery | The battery fits the rest of the cordless range. "
                        "|| 通用电池 | 电池与同系列其他充电工具通用。",
                    ),
                ),
            ),
        ),
        Leaf(
            slug="planters",
            name="Planters & Raised Beds",
            name_zh="花盆与种植箱",
            code="PLT",
            weight=2,
            schema=schema("diameter"),
            attrs={
                "material": ("ceramic", "terracotta", "recycled-plastic"),
                "diameter": N(12, 40, 2),
                "color": ("white", "cream", "sage", "charcoal", "tan"),
            },
            scenes=pairs(
                "balcony gardens || 阳台花园",
                "sunny windowsills || 阳光充足的窗台",
                "patio herbs || 露台香草",
            ),
            traits=pairs("handsome || 好看", "sturdy || 稳重", "well-drained || 排水好"),
            features=feats(
                "Drainage hole | A drainage hole and saucer stop roots rotting. "
                "|| 排水孔 | 底部排水孔配托盘，根系不易烂。",
                "{diameter} cm across | {diameter} cm wide, right for a medium houseplant. "
                "|| 直径{diameter}厘米 | 直径{diameter}厘米，适合中等大小的绿植。",
            ),
            kinds=(
                Kind(key="ceramic", noun="Ceramic Planter", noun_zh="陶瓷花盆", price=(15, 80)),
                Kind(
                    key="terracotta",
                    noun="Terracotta Pot Set",
                    noun_zh="陶土花盆套装",
                    price=(18, 50),
                    attrs={"material": ("terracotta",), "color": ("tan",)},
                ),
                Kind(
                    key="self-watering",
                    noun="Self-Watering Planter",
                    noun_zh="自吸水花盆",
                    price=(20, 70),
                    attrs={"material": ("recycled-plastic",)},
                    features=feats(
                        "Two-week reservoir | A hidden reservoir waters plants for up to two "
                        "weeks. || 储水两周 | 隐藏式储水层，可为植物供水长达两周。",
                    ),
                ),
                Kind(
                    key="raised-bed",
                    noun="Raised Garden Bed",
                    noun_zh="抬高种植箱",
                    price=(60, 220),
                    attrs={"material": ("acacia-wood", "aluminium"), "diameter": None},
                    features=feats(
                        "No-tools assembly | Slots together in fifteen minutes. "
                        "|| 免工具安装 | 插接式结构，十五分钟就能装好。",
                    ),
                ),
            ),
        ),
        Leaf(
            slug="outdoor-lighting",
            name="Outdoor Lighting",
            name_zh="户外照明",
            code="OLT",
            weight=2,
            schema=schema("lumens", "ip_rating"),
            attrs={
                "power_source": ("solar", "solar", "corded"),
                "lumens": N(20, 400, 20),
                "ip_rating": ("ip54", "ip67"),
                "material": ("aluminium", "recycled-plastic", "glass"),
                "color": ("black", "grey", "silver"),
            },
            scenes=pairs(
                "summer evenings outside || 夏夜户外",
                "lighting the garden path || 照亮花园小径",
                "patio parties || 露台派对",
            ),
            traits=pairs("warm || 温暖", "weatherproof || 防雨", "energy-saving || 节能"),
            features=feats(
                "[power_source=solar] Solar charging | Charges by day and switches on at dusk. "
                "|| 太阳能充电 | 白天充电，天黑自动亮灯。",
                "Warm white LEDs | Warm 2700 K light that feels like candlelight. "
                "|| 暖白光 | 2700K暖光，氛围如同烛光。",
                "{ip_rating} weatherproof | {ip_rating}-rated against rain and dust. "
                "|| {ip_rating}防护 | {ip_rating}级防护，防雨防尘。",
            ),
            kinds=(
                Kind(
                    key="path",
                    noun="Solar Path Light Set",
                    noun_zh="太阳能草坪灯套装",
                    price=(20, 60),
                    attrs={"power_source": ("solar",), "lumens": N(20, 60, 10)},
                ),
                Kind(
                    key="string",
                    noun="Outdoor String Lights",
                    noun_zh="户外串灯",
                    price=(18, 70),
                    plural="outdoor string lights",
                    article="a set of",
                    attrs={"lumens": N(100, 300, 50)},
                ),
                Kind(
                    key="flood",
                    noun="Motion-Sensor Floodlight",
                    noun_zh="人体感应投光灯",
                    price=(30, 110),
                    attrs={"lumens": N(800, 2000, 200)},
                    features=feats(
                        "Motion sensor | Lights up when someone approaches. "
                        "|| 人体感应 | 有人靠近自动亮灯。",
                    ),
                ),
            ),
        ),
        Leaf(
            slug="watering",
            name="Watering",
            name_zh="浇灌用品",
            code="WTR",
            weight=1,
            schema=schema("length", "capacity"),
            attrs={"material": ("rubber", "recycled-plastic"), "length": None, "capacity": None},
            scenes=pairs(
                "dry summers || 干旱的夏天",
                "balcony plants || 阳台植物",
                "vegetable beds || 菜地",
            ),
            traits=pairs("kink-free || 不打结", "lightweight || 轻便", "water-saving || 节水"),
            features=feats(
                "Water-saving | Delivers water where roots need it. "
                "|| 节约用水 | 水直接送到根部，减少浪费。",
            ),
            kinds=(
                Kind(
                    key="hose",
                    noun="Expandable Garden Hose",
                    noun_zh="伸缩花园水管",
                    price=(25, 70),
                    attrs={"length": N(15, 30, 5)},
                    title_spec=("length",),
                    features=feats(
                        "Shrinks when empty | It shrinks to a third of its length when empty. "
                        "|| 自动回缩 | 放水后自动缩回到三分之一长度。",
                    ),
                ),
                Kind(
                    key="can",
                    noun="Watering Can",
                    noun_zh="浇水壶",
                    price=(12, 45),
                    attrs={"capacity": N(1, 9, 1), "material": ("recycled-plastic", "aluminium")},
                    title_spec=("capacity",),
                    features=feats(
                        "Long spout | A long spout reaches the back of the border. "
                        "|| 长壶嘴 | 长壶嘴能浇到花境深处。",
                    ),
                ),
                Kind(
                    key="drip",
                    noun="Drip Irrigation Kit",
                    noun_zh="滴灌套装",
                    price=(30, 90),
                    attrs={"length": N(20, 40, 10)},
                    features=feats(
                        "Timer-ready | Connects to a tap timer for hands-off watering. "
                        "|| 可接定时器 | 可连接水龙头定时器，自动浇水。",
                    ),
                ),
            ),
        ),
        Leaf(
            slug="seeds",
            name="Seeds & Growing Kits",
            name_zh="种子与种植套装",
            code="SED",
            weight=1,
            schema=schema("organic", "piece_count"),
            attrs={
                "organic": ("yes", "no"),
                "piece_count": (4, 6, 8, 12),
                "material": ("paper",),
                "color": None,
                "power_source": None,
            },
            scenes=pairs(
                "first-time gardeners || 园艺新手",
                "kitchen windowsills || 厨房窗台",
                "pollinator gardens || 吸引蜜蜂蝴蝶的花园",
            ),
            traits=pairs("easy || 易种", "fresh || 新鲜", "cheerful || 生机勃勃"),
            features=feats(
                "[organic=yes] Certified organic | Certified organic, open-pollinated seed. "
                "|| 有机认证 | 有机认证的开放授粉种子。",
                "Tested germination | Every batch is germination-tested. "
                "|| 发芽率检测 | 每批种子都经过发芽率检测。",
                "{piece_count} varieties | {piece_count} varieties with a sowing calendar. "
                "|| {piece_count}个品种 | 含{piece_count}个品种，并附播种日历。",
            ),
            kinds=(
                Kind(
                    key="herbs", noun="Herb Seed Collection", noun_zh="香草种子组合", price=(8, 25)
                ),
                Kind(
                    key="wildflowers",
                    noun="Wildflower Seed Mix",
                    noun_zh="野花种子",
                    price=(6, 18),
                ),
                Kind(
                    key="kit",
                    noun="Indoor Herb Growing Kit",
                    noun_zh="室内香草种植套装",
                    price=(20, 60),
                    attrs={"material": ("ceramic", "bamboo")},
                ),
            ),
        ),
    ),
)

AUTOMOTIVE = Top(
    slug="automotive",
    name="Automotive",
    name_zh="汽车用品",
    description=pair(
        "Car electronics, cleaning and care, interior accessories and emergency gear. "
        "|| 车载电子、清洁养护、内饰配件与应急装备。"
    ),
    schema=schema("color", "material", "power_source", "vehicle_fit"),
    attrs={
        "color": ("black", "black", "grey", "charcoal"),
        "power_source": ("car-12v",),
        "vehicle_fit": ("universal",),
    },
    model_words=words(
        "Roadie",
        "Mileage",
        "Overland",
        "Highway",
        "Junction",
        "Torque",
        "Cruiser",
        "Detour",
        "Kerbside",
        "Autobahn",
        "Pitstop",
        "Convoy",
    ),
    model_suffixes=("", "", "Pro", "Plus", "S", "2", "Max"),
    features=feats(
        "Universal fit | Fits most cars, SUVs and vans. "
        "|| 通用适配 | 适配大多数轿车、SUV和面包车。",
        "Tested in extreme heat | Tested from -20 °C to 70 °C for hot dashboards and cold "
        "winters. || 耐高低温 | 经-20°C至70°C测试，夏季暴晒、冬季严寒都不怕。",
    ),
    closers=pairs(
        "Keep it in the glovebox and forget about it until you need it. "
        "|| 放在手套箱里，需要时随手就能用。",
        "Eighteen-month warranty included. || 提供18个月保修。",
    ),
    praise=pairs(
        "Fits my car perfectly. || 和我的车完美匹配。",
        "Does exactly what it says. || 跟描述的一模一样，很实用。",
        "Good value for the quality. || 这个品质，性价比很高。",
    ),
    gripes=pairs(
        "Didn't quite fit my model. || 和我的车型不太匹配。",
        "Stopped working after the summer heat. || 夏天暴晒后就坏了。",
        "The cable is too short. || 线有点短。",
    ),
    leaves=(
        Leaf(
            slug="car-electronics",
            name="Car Electronics",
            name_zh="车载电子",
            code="CEL",
            weight=2,
            schema=schema("resolution", "power"),
            attrs={"resolution": None, "power": None, "material": ("abs-plastic", "aluminium")},
            scenes=pairs(
                "daily driving || 日常驾驶",
                "long road trips || 长途自驾",
                "ride-share drivers || 网约车司机",
            ),
            traits=pairs("discreet || 低调", "reliable || 可靠", "compact || 小巧"),
            features=feats(
                "Tidy install | Routes cables neatly out of sight. "
                "|| 走线整洁 | 线材可隐藏布置，车内更整洁。",
            ),
            kinds=(
                Kind(
                    key="dashcam",
                    noun="Dash Cam",
                    noun_zh="行车记录仪",
                    price=(40, 200),
                    weight=2,
                    attrs={"resolution": ("1080p", "1440p", "4k")},
                    title_spec=("resolution",),
                    features=feats(
                        "Parking mode | Records bumps while the car is parked. "
                        "|| 停车监控 | 停车时遇到碰撞自动录像。",
                        "Wide-angle lens | A 140° lens covers several lanes. "
                        "|| 广角镜头 | 140°广角，多车道尽收眼底。",
                    ),
                ),
                Kind(
                    key="charger",
                    noun="Car Charger",
                    noun_zh="车载充电器",
                    price=(12, 40),
                    attrs={"power": N(30, 100, 10)},
                    title_spec=("power",),
                    features=feats(
                        "Two fast ports | Fast-charges two devices at once. "
                        "|| 双口快充 | 双口同时快充。",
                    ),
                ),
                Kind(
                    key="mount",
                    noun="Magnetic Phone Mount",
                    noun_zh="磁吸手机支架",
                    price=(12, 45),
                    attrs={"power_source": ("manual",)},
                    features=feats(
                        "One-handed | Snap your phone on and off with one hand. "
                        "|| 单手操作 | 单手即可吸附、取下手机。",
                    ),
                ),
            ),
        ),
        Leaf(
            slug="car-care",
            name="Car Care",
            name_zh="洗车养护",
            code="CCR",
            weight=2,
            schema=schema("volume"),
            attrs={"power_source": None, "volume": None, "material": None},
            scenes=pairs(
                "weekend car washes || 周末洗车",
                "keeping the interior fresh || 保持车内清新",
                "show-ready shine || 展车级光泽",
            ),
            traits=pairs("gentle || 温和", "effective || 高效", "streak-free || 不留痕"),
            features=feats(
                "Safe on all finishes | Safe on paint, plastic and chrome. "
                "|| 全车适用 | 车漆、塑料件、镀铬件都可以用。",
            ),
            kinds=(
                Kind(
                    key="shampoo",
                    noun="Car Wash Shampoo",
                    noun_zh="洗车液",
                    price=(8, 25),
                    article="a bottle of",
                    plural="car wash shampoo",
                    attrs={"volume": (500, 1000)},
                    title_spec=("volume",),
                    features=feats(
                        "pH-neutral | pH-neutral, so it won't strip wax. "
                        "|| 中性配方 | pH中性，不会洗掉车蜡。",
                    ),
                ),
                Kind(
                    key="towel",
                    noun="Microfibre Drying Towel",
                    noun_zh="超细纤维擦车巾",
                    price=(10, 30),
                    attrs={"material": ("microfiber",)},
                    features=feats(
                        "Dries in one pass | Soaks up a whole panel in one pass. "
                        "|| 一擦即干 | 吸水力强，一遍就能擦干一整块车身。",
                    ),
                ),
                Kind(
                    key="vacuum",
                    noun="Cordless Car Vacuum",
                    noun_zh="无线车载吸尘器",
                    price=(30, 90),
                    attrs={"power_source": ("rechargeable",), "material": ("abs-plastic",)},
                    features=feats(
                        "Crevice tools | Slim nozzles reach between seats. "
                        "|| 缝隙吸嘴 | 细长吸嘴可伸进座椅缝隙。",
                    ),
                ),
            ),
        ),
        Leaf(
            slug="interior-accessories",
            name="Interior Accessories",
            name_zh="内饰配件",
            code="CIA",
            weight=2,
            attrs={
                "power_source": None,
                "material": ("rubber", "polyester", "leather"),
                "vehicle_fit": ("universal", "sedan", "suv", "pickup"),
            },
            scenes=pairs(
                "family road trips || 家庭自驾游",
                "muddy winters || 泥泞的冬天",
                "daily commutes || 日常通勤",
            ),
            traits=pairs("tidy || 整洁", "durable || 耐用", "easy-fit || 安装简单"),
            features=feats(
                "Fits in minutes | No tools needed to fit. || 快速安装 | 无需工具，几分钟装好。",
            ),
            kinds=(
                Kind(
                    key="mats",
                    noun="All-Weather Floor Mats",
                    noun_zh="全天候脚垫",
                    price=(30, 110),
                    article="a set of",
                    plural="all-weather floor mats",
                    attrs={"material": ("rubber",)},
                    features=feats(
                        "Raised edges | Raised edges trap snow, mud and spilled coffee. "
                        "|| 高边设计 | 高边设计，雪水、泥土和洒出的咖啡都能兜住。",
                    ),
                ),
                Kind(
                    key="organiser",
                    noun="Boot Organiser",
                    noun_zh="后备箱收纳箱",
                    price=(20, 60),
                    attrs={"material": ("polyester",), "vehicle_fit": ("universal",)},
                    features=feats(
                        "Collapsible | Folds flat when you need the full boot. "
                        "|| 可折叠 | 需要大空间时可折叠收起。",
                    ),
                ),
                Kind(
                    key="sunshade",
                    noun="Windscreen Sunshade",
                    noun_zh="前挡遮阳板",
                    price=(12, 35),
                    attrs={"material": ("polyester",)},
                    features=feats(
                        "Cooler cabin | Keeps the cabin noticeably cooler in summer. "
                        "|| 降温明显 | 夏天车内温度明显降低。",
                    ),
                ),
            ),
        ),
        Leaf(
            slug="emergency-tools",
            name="Emergency & Tools",
            name_zh="应急工具",
            code="CEM",
            weight=1,
            schema=schema("battery_capacity"),
            attrs={"battery_capacity": None, "material": ("abs-plastic",)},
            scenes=pairs(
                "winter mornings || 冬天的早晨",
                "long road trips || 长途自驾",
                "peace of mind || 图个安心",
            ),
            traits=pairs("dependable || 可靠", "compact || 小巧", "powerful || 强劲"),
            features=feats(
                "Built-in torch | A bright LED torch for roadside checks at night. "
                "|| 内置照明 | 自带LED照明灯，夜间路边检查更方便。",
            ),
            kinds=(
                Kind(
                    key="jump-starter",
                    noun="Jump Starter",
                    noun_zh="应急启动电源",
                    price=(50, 150),
                    attrs={
                        "power_source": ("rechargeable",),
                        "battery_capacity": (10000, 16000, 20000),
                    },
                    features=feats(
                        "Starts flat batteries | Starts petrol engines up to 6 litres. "
                        "|| 一键搭电 | 可启动6升以内汽油发动机。",
                    ),
                ),
                Kind(
                    key="inflator",
                    noun="Portable Tyre Inflator",
                    noun_zh="便携充气泵",
                    price=(30, 90),
                    features=feats(
                        "Auto stop | Set the pressure and it stops when it gets there. "
                        "|| 自动停止 | 预设胎压，充到即停。",
                    ),
                ),
                Kind(
                    key="kit",
                    noun="Roadside Emergency Kit",
                    noun_zh="道路应急包",
                    price=(25, 80),
                    attrs={"power_source": None, "material": ("polyester",)},
                    features=feats(
                        "All the basics | Jump leads, warning triangle, gloves and first aid. "
                        "|| 应急齐全 | 搭火线、三角警示牌、手套和急救用品一应俱全。",
                    ),
                ),
            ),
        ),
    ),
)

TOPS = (ELECTRONICS, HOME, GARDEN, AUTOMOTIVE)
