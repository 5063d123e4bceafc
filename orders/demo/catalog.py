"""Harbor Lane's demo catalog: categories and products for the seeded demo shop.

Everything here is fictional demo data: the brands, products, prices and specifications are
invented for demonstration and do not describe real goods. Prices are in USD; each product's
`options` are its variant axes, and the seed creates one variant per combination of values.
Products are sorted by category, then by name.
"""

from typing import TypedDict


class CategorySpec(TypedDict):
    slug: str
    name: str
    description: str


class ProductSpec(TypedDict):
    slug: str
    name: str
    category: str
    brand: str
    description: str
    price: str
    options: dict[str, list[str]]
    tags: list[str]


CATEGORIES: list[CategorySpec] = [
    {
        "slug": "bags-accessories",
        "name": "Bags & Accessories",
        "description": (
            "Everyday bags, travel gear, wallets, hats, jewelry and small accessories to finish "
            "any outfit."
        ),
    },
    {
        "slug": "beauty-personal-care",
        "name": "Beauty & Personal Care",
        "description": (
            "Skincare, makeup, haircare, fragrance and grooming essentials made with thoughtful "
            "ingredients."
        ),
    },
    {
        "slug": "electronics",
        "name": "Electronics",
        "description": (
            "Headphones, speakers, chargers, smart-home devices and desk gadgets for home and on "
            "the go."
        ),
    },
    {
        "slug": "footwear",
        "name": "Footwear",
        "description": (
            "Sneakers, boots, sandals, loafers and slippers for men and women in US sizes."
        ),
    },
    {
        "slug": "home-kitchen",
        "name": "Home & Kitchen",
        "description": (
            "Cookware, coffee gear, tableware, bedding and decor for a comfortable, well-stocked "
            "home."
        ),
    },
    {
        "slug": "kids-toys",
        "name": "Kids & Toys",
        "description": (
            "Wooden toys, games, creative kits and everyday clothing and gear for babies and kids."
        ),
    },
    {
        "slug": "mens-clothing",
        "name": "Men's Clothing",
        "description": (
            "Shirts, knitwear, denim, chinos and outerwear for men in easy, dependable fits."
        ),
    },
    {
        "slug": "outdoor-gear",
        "name": "Outdoor Gear",
        "description": (
            "Tents, packs, sleeping bags, rain shells and camp essentials for hiking and weekends "
            "outside."
        ),
    },
    {
        "slug": "sports-fitness",
        "name": "Sports & Fitness",
        "description": (
            "Home-gym equipment, activewear and running and yoga accessories for every kind of "
            "workout."
        ),
    },
    {
        "slug": "womens-clothing",
        "name": "Women's Clothing",
        "description": "Dresses, knitwear, denim, swimwear and everyday layers for women.",
    },
]

PRODUCTS: list[ProductSpec] = [
    # bags-accessories
    {
        "slug": "cashmere-blend-scarf",
        "name": "Cashmere-Blend Scarf",
        "category": "bags-accessories",
        "brand": "Alder & Finch",
        "description": (
            "A generous 72 by 12 inch scarf woven from a wool and cashmere blend with fringed "
            "ends. It is warm without bulk and soft against the neck. Dry clean or hand wash cold."
        ),
        "price": "68.00",
        "options": {"colour": ["Camel", "Charcoal", "Red Tartan", "Navy"]},
        "tags": ["scarf", "cashmere", "winter", "gift"],
    },
    {
        "slug": "everyday-canvas-tote",
        "name": "Everyday Canvas Tote",
        "category": "bags-accessories",
        "brand": "Wayfarer Goods",
        "description": (
            "A roomy tote in heavyweight 16 oz cotton canvas with leather-reinforced handles long "
            "enough to carry on the shoulder. Inside are a zip pocket and a key clip, and it fits "
            "a 15-inch laptop. Spot clean."
        ),
        "price": "38.00",
        "options": {"colour": ["Natural", "Navy", "Black"]},
        "tags": ["tote", "canvas", "everyday", "gift"],
    },
    {
        "slug": "freshwater-pearl-drop-earrings",
        "name": "Freshwater Pearl Drop Earrings",
        "category": "bags-accessories",
        "brand": "Alder & Finch",
        "description": (
            "Single freshwater pearls hanging from sterling silver hooks, each pearl about 8 mm "
            "with its own natural shape and lustre. They are light enough to wear all day. Arrives "
            "in a gift box."
        ),
        "price": "42.00",
        "options": {},
        "tags": ["earrings", "jewelry", "pearl", "gift"],
    },
    {
        "slug": "hardshell-carry-on-suitcase",
        "name": "Hardshell Carry-On Suitcase",
        "category": "bags-accessories",
        "brand": "Wayfarer Goods",
        "description": (
            "A 22-inch polycarbonate carry-on with four spinner wheels, a TSA-approved lock and a "
            "compression panel inside. It meets the carry-on size limits of most US airlines. It "
            "weighs 7.5 lb empty."
        ),
        "price": "229.00",
        "options": {"colour": ["Graphite", "Sand", "Navy"]},
        "tags": ["luggage", "carry-on", "travel", "suitcase"],
    },
    {
        "slug": "leather-bifold-wallet",
        "name": "Leather Bifold Wallet",
        "category": "bags-accessories",
        "brand": "Alder & Finch",
        "description": (
            "A slim bifold in vegetable-tanned leather with six card slots, a full-length bill "
            "pocket and RFID-blocking lining. The leather darkens and develops character with use. "
            "It arrives in a gift box."
        ),
        "price": "54.00",
        "options": {"colour": ["Black", "Brown"]},
        "tags": ["wallet", "leather", "gift"],
    },
    {
        "slug": "leather-crossbody-bag",
        "name": "Leather Crossbody Bag",
        "category": "bags-accessories",
        "brand": "Alder & Finch",
        "description": (
            "A compact crossbody in pebbled full-grain leather with an adjustable strap and an "
            "antique brass zip. It fits a phone, wallet, keys and sunglasses, with a slip pocket "
            "on the back. Condition the leather every few months."
        ),
        "price": "128.00",
        "options": {"colour": ["Tan", "Black", "Burgundy"]},
        "tags": ["crossbody", "leather", "handbag"],
    },
    {
        "slug": "minimalist-leather-strap-watch",
        "name": "Minimalist Leather-Strap Watch",
        "category": "bags-accessories",
        "brand": "Alder & Finch",
        "description": (
            "A clean 38 mm analogue watch with a Japanese quartz movement, sapphire-coated crystal "
            "and an Italian leather strap. It is water resistant to 50 meters, fine for rain and "
            "hand washing but not for swimming."
        ),
        "price": "135.00",
        "options": {"colour": ["Black/Silver", "Brown/Gold"]},
        "tags": ["watch", "leather", "gift"],
    },
    {
        "slug": "nylon-belt-bag",
        "name": "Nylon Belt Bag",
        "category": "bags-accessories",
        "brand": "Wayfarer Goods",
        "description": (
            "A hands-free belt bag in water-repellent recycled nylon that can be worn around the "
            "waist or across the body. It has a zip front pocket and an inner key clip. Fits a "
            "large phone and a passport."
        ),
        "price": "44.00",
        "options": {"colour": ["Black", "Olive", "Lilac"]},
        "tags": ["belt bag", "travel", "hands-free"],
    },
    {
        "slug": "packable-straw-sun-hat",
        "name": "Packable Straw Sun Hat",
        "category": "bags-accessories",
        "brand": "Tidewater",
        "description": (
            "A wide 4-inch-brim sun hat woven from paper straw that can be rolled into a bag and "
            "springs back into shape. An inner drawstring lets you fine-tune the fit. Keep it out "
            "of heavy rain."
        ),
        "price": "36.00",
        "options": {"colour": ["Natural", "Black"], "size": ["S/M", "L/XL"]},
        "tags": ["hat", "sun hat", "beach", "packable"],
    },
    {
        "slug": "packing-cubes-set-of-4",
        "name": "Packing Cubes Set of 4",
        "category": "bags-accessories",
        "brand": "Wayfarer Goods",
        "description": (
            "Four lightweight packing cubes in two sizes, made from recycled ripstop nylon with "
            "mesh tops so you can see what is inside. Compression zips save extra space. Machine "
            "washable."
        ),
        "price": "34.00",
        "options": {"colour": ["Grey", "Navy", "Sage"]},
        "tags": ["travel", "packing cubes", "organization"],
    },
    {
        "slug": "reversible-leather-belt",
        "name": "Reversible Leather Belt",
        "category": "bags-accessories",
        "brand": "Alder & Finch",
        "description": (
            "A 1.25-inch belt with black leather on one side and brown on the other; twist the "
            "buckle to switch. Order your usual trouser waist size. The brushed-nickel buckle "
            "detaches for travel."
        ),
        "price": "48.00",
        "options": {"colour": ["Black/Brown"], "size": ["30", "32", "34", "36", "38", "40"]},
        "tags": ["belt", "leather", "reversible", "gift"],
    },
    {
        "slug": "ribbed-merino-beanie",
        "name": "Ribbed Merino Beanie",
        "category": "bags-accessories",
        "brand": "Saltmarsh",
        "description": (
            "A fold-up beanie in a chunky rib knit of 100% merino wool that is warm, breathable "
            "and not itchy. One size fits most adults. Hand wash cold and dry flat."
        ),
        "price": "28.00",
        "options": {"colour": ["Charcoal", "Navy", "Mustard", "Cream"]},
        "tags": ["beanie", "hat", "merino", "winter"],
    },
    {
        "slug": "roll-top-commuter-backpack",
        "name": "Roll-Top Commuter Backpack",
        "category": "bags-accessories",
        "brand": "Wayfarer Goods",
        "description": (
            "A 20-liter roll-top backpack in waterproof recycled nylon with a padded sleeve that "
            "fits a 16-inch laptop. A side zip gives quick access to the main compartment without "
            "unrolling. The padded straps carry comfortably on a bike."
        ),
        "price": "119.00",
        "options": {"colour": ["Black", "Olive", "Grey"]},
        "tags": ["backpack", "waterproof", "commute", "laptop"],
    },
    {
        "slug": "round-polarized-sunglasses",
        "name": "Round Polarized Sunglasses",
        "category": "bags-accessories",
        "brand": "Wayfarer Goods",
        "description": (
            "Round acetate frames with polarized lenses that cut glare and block 100% of UVA and "
            "UVB rays. Spring hinges keep them comfortable on wider faces. Comes with a hard case "
            "and a microfiber cleaning cloth."
        ),
        "price": "64.00",
        "options": {"colour": ["Tortoise", "Black"]},
        "tags": ["sunglasses", "polarized", "uv protection", "summer"],
    },
    {
        "slug": "slim-leather-card-holder",
        "name": "Slim Leather Card Holder",
        "category": "bags-accessories",
        "brand": "Alder & Finch",
        "description": (
            "A minimalist card holder in smooth full-grain leather with four card slots and a "
            "centre pocket for folded bills. It is thin enough for a front trouser pocket. Edges "
            "are hand-painted and stitched with waxed thread."
        ),
        "price": "32.00",
        "options": {"colour": ["Black", "Tan", "Navy"]},
        "tags": ["wallet", "card holder", "leather", "gift"],
    },
    {
        "slug": "sterling-silver-chain-necklace",
        "name": "Sterling Silver Chain Necklace",
        "category": "bags-accessories",
        "brand": "Alder & Finch",
        "description": (
            "A fine curb chain in solid sterling silver with a lobster clasp, easy to layer or "
            "wear alone. The 16-inch length sits at the collarbone and 20 inches falls just below. "
            "Polish with a soft cloth to prevent tarnish."
        ),
        "price": "58.00",
        "options": {"length": ["16 in", "18 in", "20 in"]},
        "tags": ["necklace", "jewelry", "sterling silver", "gift"],
    },
    {
        "slug": "washed-cotton-baseball-cap",
        "name": "Washed Cotton Baseball Cap",
        "category": "bags-accessories",
        "brand": "Saltmarsh",
        "description": (
            "A soft, unstructured six-panel cap in garment-washed cotton twill with a curved brim. "
            "The adjustable brass buckle strap fits most head sizes. Hand wash and reshape while "
            "damp."
        ),
        "price": "26.00",
        "options": {"colour": ["Navy", "Khaki", "Black", "Washed Red"]},
        "tags": ["cap", "hat", "cotton", "summer"],
    },
    {
        "slug": "waxed-canvas-weekender-bag",
        "name": "Waxed Canvas Weekender Bag",
        "category": "bags-accessories",
        "brand": "Wayfarer Goods",
        "description": (
            "A 40-liter weekender in water-resistant waxed canvas with leather handles and a "
            "detachable shoulder strap. A zip end pocket keeps shoes separate from clothes. It "
            "fits in most airline overhead bins."
        ),
        "price": "148.00",
        "options": {"colour": ["Olive", "Navy"]},
        "tags": ["duffel", "travel", "weekender", "water-resistant"],
    },
    # beauty-personal-care
    {
        "slug": "argan-repair-conditioner",
        "name": "Argan Repair Conditioner",
        "category": "beauty-personal-care",
        "brand": "Fernleaf",
        "description": (
            "A silicone-free conditioner with argan oil and shea butter that detangles and softens "
            "without weighing hair down. Leave it on for two minutes, then rinse. The larger "
            "bottle has a pump."
        ),
        "price": "19.00",
        "options": {"volume": ["10 fl oz", "33 fl oz"]},
        "tags": ["conditioner", "haircare", "sulfate-free"],
    },
    {
        "slug": "argan-repair-shampoo",
        "name": "Argan Repair Shampoo",
        "category": "beauty-personal-care",
        "brand": "Fernleaf",
        "description": (
            "A sulfate-free shampoo with argan oil and rice protein that cleans gently and helps "
            "repair dry, colour-treated hair. It is safe for daily use. The larger bottle has a "
            "pump."
        ),
        "price": "19.00",
        "options": {"volume": ["10 fl oz", "33 fl oz"]},
        "tags": ["shampoo", "haircare", "sulfate-free"],
    },
    {
        "slug": "bamboo-toothbrush-4-pack",
        "name": "Bamboo Toothbrush 4-Pack",
        "category": "beauty-personal-care",
        "brand": "Fernleaf",
        "description": (
            "Four toothbrushes with compostable bamboo handles and soft, charcoal-infused "
            "bristles. Each has a number on the handle so the family can tell them apart. Packed "
            "in recyclable paper."
        ),
        "price": "12.00",
        "options": {},
        "tags": ["toothbrush", "bamboo", "eco-friendly", "plastic-free"],
    },
    {
        "slug": "cedar-bergamot-natural-deodorant",
        "name": "Cedar Bergamot Natural Deodorant",
        "category": "beauty-personal-care",
        "brand": "Fernleaf",
        "description": (
            "An aluminum-free deodorant stick with arrowroot powder and magnesium to keep you "
            "fresh all day, scented with cedar and bergamot essential oils. Glides on clear and "
            "will not stain clothes."
        ),
        "price": "14.00",
        "options": {},
        "tags": ["deodorant", "aluminum-free", "natural"],
    },
    {
        "slug": "ceramide-night-cream",
        "name": "Ceramide Night Cream",
        "category": "beauty-personal-care",
        "brand": "Fernleaf",
        "description": (
            "A rich but non-greasy night cream with ceramides, squalane and niacinamide that "
            "supports the skin barrier while you sleep. It is fragrance free and suits dry and "
            "sensitive skin. 1.7 oz jar."
        ),
        "price": "42.00",
        "options": {},
        "tags": ["moisturizer", "night cream", "skincare"],
    },
    {
        "slug": "cream-blush-stick",
        "name": "Cream Blush Stick",
        "category": "beauty-personal-care",
        "brand": "Lumen & Clay",
        "description": (
            "A creamy blush stick that blends with fingertips for a natural flush on cheeks and "
            "lips. The formula sets to a soft satin finish and lasts all day. Vegan and cruelty "
            "free."
        ),
        "price": "24.00",
        "options": {"shade": ["Peach", "Rose", "Berry", "Bronze"]},
        "tags": ["blush", "makeup", "cream"],
    },
    {
        "slug": "daily-gel-cleanser",
        "name": "Daily Gel Cleanser",
        "category": "beauty-personal-care",
        "brand": "Fernleaf",
        "description": (
            "A gentle, low-foaming gel cleanser with aloe and green tea that removes sunscreen and "
            "makeup without leaving skin tight. It is fragrance free and suits all skin types. Use "
            "morning and evening on damp skin."
        ),
        "price": "22.00",
        "options": {"volume": ["5 fl oz", "10 fl oz"]},
        "tags": ["cleanser", "skincare", "fragrance-free", "vegan"],
    },
    {
        "slug": "hyaluronic-hydrating-serum",
        "name": "Hyaluronic Hydrating Serum",
        "category": "beauty-personal-care",
        "brand": "Fernleaf",
        "description": (
            "A lightweight serum with three weights of hyaluronic acid and panthenol to plump and "
            "hydrate. It absorbs in seconds and layers well under moisturizer and sunscreen. 1 fl "
            "oz with a glass dropper."
        ),
        "price": "34.00",
        "options": {},
        "tags": ["serum", "skincare", "hydrating", "vegan"],
    },
    {
        "slug": "ionic-hair-dryer",
        "name": "Ionic Hair Dryer",
        "category": "beauty-personal-care",
        "brand": "Lumen & Clay",
        "description": (
            "A lightweight 1,875W ionic hair dryer with three heat and two speed settings plus a "
            "cool shot button. It comes with a concentrator nozzle and a diffuser. The 9 ft cord "
            "reaches from most bathroom outlets."
        ),
        "price": "119.00",
        "options": {"colour": ["Black", "Blush"]},
        "tags": ["hair dryer", "haircare", "styling"],
    },
    {
        "slug": "jade-facial-roller",
        "name": "Jade Facial Roller",
        "category": "beauty-personal-care",
        "brand": "Lumen & Clay",
        "description": (
            "A dual-ended facial roller in natural jade with a silent, wobble-free frame. Use it "
            "after serum to massage the face; keep it in the fridge for a cooling effect. Each "
            "stone varies slightly in colour."
        ),
        "price": "26.00",
        "options": {},
        "tags": ["facial roller", "skincare", "gift"],
    },
    {
        "slug": "lengthening-mascara",
        "name": "Lengthening Mascara",
        "category": "beauty-personal-care",
        "brand": "Lumen & Clay",
        "description": (
            "A buildable mascara with a slim, precise brush that lengthens and separates every "
            "lash without clumping. It resists smudging through the day and removes easily with "
            "warm water. Ophthalmologist tested."
        ),
        "price": "22.00",
        "options": {"shade": ["Black", "Brown"]},
        "tags": ["mascara", "makeup", "lengthening"],
    },
    {
        "slug": "lightweight-skin-tint",
        "name": "Lightweight Skin Tint",
        "category": "beauty-personal-care",
        "brand": "Lumen & Clay",
        "description": (
            "A sheer-to-light coverage skin tint with a natural, dewy finish and hydrating "
            "glycerin. It evens out skin tone without looking like makeup. Apply with fingers or a "
            "damp sponge."
        ),
        "price": "36.00",
        "options": {"shade": ["Fair", "Light", "Light Medium", "Medium", "Tan", "Deep"]},
        "tags": ["foundation", "makeup", "skin tint"],
    },
    {
        "slug": "mineral-sunscreen-spf-30",
        "name": "Mineral Sunscreen SPF 30",
        "category": "beauty-personal-care",
        "brand": "Fernleaf",
        "description": (
            "A broad-spectrum SPF 30 mineral sunscreen with non-nano zinc oxide that rubs in "
            "without a heavy white cast. It is water resistant for 40 minutes and suitable for "
            "sensitive skin. Reapply at least every 2 hours in the sun."
        ),
        "price": "28.00",
        "options": {},
        "tags": ["sunscreen", "spf", "mineral", "skincare"],
    },
    {
        "slug": "safety-razor-shave-set",
        "name": "Safety Razor Shave Set",
        "category": "beauty-personal-care",
        "brand": "Fernleaf",
        "description": (
            "A weighted chrome safety razor with a butterfly opening, a pack of ten stainless "
            "steel blades and a tin of sandalwood shave soap. A single blade gives a close shave "
            "with less irritation. Arrives in a gift box."
        ),
        "price": "48.00",
        "options": {},
        "tags": ["shaving", "razor", "gift", "grooming"],
    },
    {
        "slug": "salt-cedar-eau-de-parfum",
        "name": "Salt & Cedar Eau de Parfum",
        "category": "beauty-personal-care",
        "brand": "Lumen & Clay",
        "description": (
            "A fresh, woody unisex fragrance with notes of sea salt, bergamot, cedarwood and musk. "
            "It wears close to the skin and lasts through the day. Presented in a refillable glass "
            "bottle."
        ),
        "price": "78.00",
        "options": {"volume": ["1.7 fl oz", "3.4 fl oz"]},
        "tags": ["fragrance", "perfume", "unisex", "gift"],
    },
    {
        "slug": "shea-body-lotion",
        "name": "Shea Body Lotion",
        "category": "beauty-personal-care",
        "brand": "Fernleaf",
        "description": (
            "A fast-absorbing body lotion with shea butter, oat extract and a light neroli scent "
            "that keeps skin soft for 24 hours. It is gentle enough for daily use after showering. "
            "Vegan and cruelty free."
        ),
        "price": "24.00",
        "options": {"volume": ["8 fl oz", "16 fl oz"]},
        "tags": ["body lotion", "moisturizer", "shea butter"],
    },
    {
        "slug": "tinted-lip-balm",
        "name": "Tinted Lip Balm",
        "category": "beauty-personal-care",
        "brand": "Lumen & Clay",
        "description": (
            "A nourishing balm with shea butter and jojoba oil that leaves a sheer wash of colour. "
            "It feels light, never sticky, and is easy to reapply without a mirror. Each shade is "
            "buildable."
        ),
        "price": "14.00",
        "options": {"shade": ["Bare", "Rose", "Berry", "Coral"]},
        "tags": ["lip balm", "makeup", "tinted"],
    },
    {
        "slug": "vitamin-c-brightening-serum",
        "name": "Vitamin C Brightening Serum",
        "category": "beauty-personal-care",
        "brand": "Fernleaf",
        "description": (
            "A 15% vitamin C serum with vitamin E and ferulic acid to brighten dull skin and even "
            "out tone. Use it in the morning under sunscreen. Store away from light; the amber "
            "bottle helps keep it stable."
        ),
        "price": "38.00",
        "options": {},
        "tags": ["serum", "vitamin c", "skincare", "brightening"],
    },
    # electronics
    {
        "slug": "3-in-1-wireless-charging-stand",
        "name": "3-in-1 Wireless Charging Stand",
        "category": "electronics",
        "brand": "Voltwell",
        "description": (
            "A weighted stand that charges a phone, smartwatch and earbuds at once. The phone "
            "cradle works in portrait or landscape and charges through cases up to 5 mm thick. The "
            "power adapter is included."
        ),
        "price": "89.00",
        "options": {"colour": ["Black", "White"]},
        "tags": ["wireless charger", "charging stand", "desk"],
    },
    {
        "slug": "65w-usb-c-gan-charger",
        "name": "65W USB-C GaN Charger",
        "category": "electronics",
        "brand": "Voltwell",
        "description": (
            "A palm-sized wall charger with two USB-C ports and one USB-A port that can "
            "fast-charge a laptop and phone at the same time. The prongs fold flat for travel. "
            "Works with most USB-C laptops, tablets and phones."
        ),
        "price": "45.00",
        "options": {"colour": ["White", "Black"]},
        "tags": ["charger", "usb-c", "travel", "laptop"],
    },
    {
        "slug": "aluminium-laptop-stand",
        "name": "Aluminium Laptop Stand",
        "category": "electronics",
        "brand": "Voltwell",
        "description": (
            "An adjustable stand that raises your laptop screen to eye level, with six height "
            "settings and silicone pads to protect your computer. It fits laptops from 10 to 17 "
            "inches and folds flat for a bag."
        ),
        "price": "49.00",
        "options": {"colour": ["Silver", "Space Grey"]},
        "tags": ["laptop stand", "office", "ergonomic", "desk"],
    },
    {
        "slug": "bookshelf-wi-fi-speaker",
        "name": "Bookshelf Wi-Fi Speaker",
        "category": "electronics",
        "brand": "Auralis",
        "description": (
            "A compact smart speaker with two tweeters and a woofer for rich sound that fills a "
            "room. It streams over Wi-Fi and Bluetooth and supports AirPlay 2 and Chromecast. "
            "Group several for multi-room audio in the free app."
        ),
        "price": "199.00",
        "options": {"colour": ["Black", "White"]},
        "tags": ["speaker", "wi-fi", "home audio", "streaming"],
    },
    {
        "slug": "braided-usb-c-cable",
        "name": "Braided USB-C Cable",
        "category": "electronics",
        "brand": "Voltwell",
        "description": (
            "A USB-C to USB-C cable with a double-braided nylon jacket tested to 25,000 bends. It "
            "supports up to 100W charging and USB 2.0 data transfer. A hook-and-loop tie keeps it "
            "tidy."
        ),
        "price": "18.00",
        "options": {"length": ["3 ft", "6 ft", "10 ft"]},
        "tags": ["cable", "usb-c", "charging"],
    },
    {
        "slug": "ergonomic-wireless-mouse",
        "name": "Ergonomic Wireless Mouse",
        "category": "electronics",
        "brand": "Voltwell",
        "description": (
            "A sculpted mouse with a thumb rest that keeps your wrist in a more natural position. "
            "It has silent clicks, a fast scroll wheel and connects by Bluetooth or the included "
            "USB receiver. It runs up to 70 days on a full USB-C charge."
        ),
        "price": "49.00",
        "options": {"colour": ["Graphite", "White"]},
        "tags": ["mouse", "wireless", "ergonomic", "office"],
    },
    {
        "slug": "low-profile-wireless-keyboard",
        "name": "Low-Profile Wireless Keyboard",
        "category": "electronics",
        "brand": "Voltwell",
        "description": (
            "A full-size keyboard with quiet low-profile keys, backlighting and an aluminium top "
            "plate. It pairs with up to three devices over Bluetooth and switches between them "
            "with one key. A full charge lasts about 10 days with backlighting on."
        ),
        "price": "99.00",
        "options": {"colour": ["Graphite", "White"]},
        "tags": ["keyboard", "wireless", "office", "bluetooth"],
    },
    {
        "slug": "mini-smart-plug-2-pack",
        "name": "Mini Smart Plug 2-Pack",
        "category": "electronics",
        "brand": "Voltwell",
        "description": (
            "Two compact Wi-Fi plugs that let you switch lamps and small appliances on a schedule "
            "or by voice. Each plug leaves the second outlet free and reports energy use in the "
            "app. Requires 2.4 GHz Wi-Fi."
        ),
        "price": "25.00",
        "options": {},
        "tags": ["smart home", "smart plug", "wi-fi"],
    },
    {
        "slug": "pocket-portable-ssd",
        "name": "Pocket Portable SSD",
        "category": "electronics",
        "brand": "Voltwell",
        "description": (
            "A credit-card-sized solid-state drive with read speeds up to 1,050 MB/s over USB-C. "
            "The aluminium shell is drop resistant up to 6 ft. USB-C to USB-C and USB-C to USB-A "
            "cables are included."
        ),
        "price": "89.00",
        "options": {"capacity": ["500 GB", "1 TB", "2 TB"]},
        "tags": ["ssd", "storage", "backup", "usb-c"],
    },
    {
        "slug": "portable-bluetooth-speaker",
        "name": "Portable Bluetooth Speaker",
        "category": "electronics",
        "brand": "Auralis",
        "description": (
            "A rugged speaker with 360-degree sound, 12 hours of playback and an IPX7 waterproof "
            "rating, so it survives a drop in the pool. Pair two for stereo sound. Charges by "
            "USB-C; a carry strap is built in."
        ),
        "price": "79.00",
        "options": {"colour": ["Black", "Ocean Blue", "Coral"]},
        "tags": ["speaker", "bluetooth", "waterproof", "outdoor"],
    },
    {
        "slug": "pulse-fitness-tracker",
        "name": "Pulse Fitness Tracker",
        "category": "electronics",
        "brand": "Voltwell",
        "description": (
            "A slim band that tracks steps, heart rate, sleep and 20 workout types, with a bright "
            "AMOLED screen. The battery lasts up to 7 days, and it is water resistant for "
            "swimming. Syncs with iOS and Android."
        ),
        "price": "99.00",
        "options": {"colour": ["Black", "Rose", "Slate"]},
        "tags": ["fitness tracker", "wearable", "sleep tracking", "heart rate"],
    },
    {
        "slug": "retro-instant-camera",
        "name": "Retro Instant Camera",
        "category": "electronics",
        "brand": "Voltwell",
        "description": (
            "A point-and-shoot instant camera that prints credit-card-sized photos in seconds, "
            "with automatic exposure, a selfie mirror and a close-up mode. Uses mini instant film, "
            "sold separately; runs on two AA batteries."
        ),
        "price": "89.00",
        "options": {"colour": ["Mint", "Cream", "Black"]},
        "tags": ["camera", "instant", "gift"],
    },
    {
        "slug": "slim-power-bank",
        "name": "Slim Power Bank",
        "category": "electronics",
        "brand": "Voltwell",
        "description": (
            "A slim portable battery with 20W USB-C fast charging in and out, plus a USB-A port. "
            "The 10,000 mAh model charges most phones about twice. An LED display shows the "
            "remaining charge in percent."
        ),
        "price": "39.00",
        "options": {"colour": ["Black", "White"], "capacity": ["10,000 mAh", "20,000 mAh"]},
        "tags": ["power bank", "portable charger", "travel", "usb-c"],
    },
    {
        "slug": "smart-led-bulbs-4-pack",
        "name": "Smart LED Bulbs 4-Pack",
        "category": "electronics",
        "brand": "Voltwell",
        "description": (
            "Four dimmable Wi-Fi bulbs with 16 million colours and tunable white, each using 9W to "
            "give the light of a 60W bulb. No hub is needed; they connect to the app over 2.4 GHz "
            "Wi-Fi. Works with Alexa and Google Home."
        ),
        "price": "39.00",
        "options": {},
        "tags": ["smart home", "light bulbs", "wi-fi", "energy saving"],
    },
    {
        "slug": "studio-over-ear-wired-headphones",
        "name": "Studio Over-Ear Wired Headphones",
        "category": "electronics",
        "brand": "Auralis",
        "description": (
            "Closed-back wired headphones with 40 mm drivers tuned for balanced, detailed sound. "
            "The memory-foam ear cushions rotate flat, and the detachable cable has an inline mic. "
            "Includes a 1/4-inch adapter for audio interfaces."
        ),
        "price": "59.00",
        "options": {"colour": ["Black", "Cream"]},
        "tags": ["headphones", "wired", "studio"],
    },
    {
        "slug": "sunrise-alarm-clock",
        "name": "Sunrise Alarm Clock",
        "category": "electronics",
        "brand": "Voltwell",
        "description": (
            "A wake-up light that gradually brightens over 30 minutes before your alarm, like a "
            "sunrise, and dims at night for wind-down. It has eight natural sounds and an FM "
            "radio. It has a USB port for charging your phone overnight."
        ),
        "price": "69.00",
        "options": {},
        "tags": ["alarm clock", "sleep", "wellness", "gift"],
    },
    {
        "slug": "true-wireless-earbuds",
        "name": "True Wireless Earbuds",
        "category": "electronics",
        "brand": "Auralis",
        "description": (
            "Compact earbuds with active noise cancelling, three sizes of silicone tips and IPX4 "
            "sweat resistance. They play for 8 hours per charge, with 24 more hours in the case, "
            "which supports wireless charging."
        ),
        "price": "129.00",
        "options": {"colour": ["Black", "White", "Sage"]},
        "tags": ["earbuds", "wireless", "noise cancelling"],
    },
    {
        "slug": "wireless-noise-cancelling-headphones",
        "name": "Wireless Noise-Cancelling Headphones",
        "category": "electronics",
        "brand": "Auralis",
        "description": (
            "Over-ear headphones with adaptive active noise cancelling, a transparency mode and 30 "
            "hours of battery life with ANC on. A 10-minute USB-C charge gives about 5 hours of "
            "playback. They connect to two devices at once and fold into a hard case."
        ),
        "price": "249.00",
        "options": {"colour": ["Black", "Silver", "Navy"]},
        "tags": ["headphones", "noise cancelling", "wireless", "travel"],
    },
    # footwear
    {
        "slug": "mens-canvas-low-top-sneaker",
        "name": "Men's Canvas Low-Top Sneaker",
        "category": "footwear",
        "brand": "Tidewater",
        "description": (
            "A clean everyday sneaker with an organic cotton canvas upper, metal eyelets and a "
            "vulcanised natural rubber sole. A cushioned, removable insole makes it comfortable "
            "all day. It runs true to size."
        ),
        "price": "52.00",
        "options": {
            "colour": ["White", "Navy", "Black"],
            "size": ["7", "8", "9", "10", "11", "12"],
        },
        "tags": ["sneakers", "canvas", "casual", "vegan"],
    },
    {
        "slug": "mens-daily-road-runner",
        "name": "Men's Daily Road Runner",
        "category": "footwear",
        "brand": "Stride Lab",
        "description": (
            "A neutral, well-cushioned road shoe built for everyday miles, with a responsive foam "
            "midsole and a breathable engineered-mesh upper. It has a 10 mm drop and reflective "
            "details for early-morning runs."
        ),
        "price": "118.00",
        "options": {
            "colour": ["Black", "Navy/White", "Grey"],
            "size": ["7", "8", "9", "10", "11", "12"],
        },
        "tags": ["running", "road", "cushioned"],
    },
    {
        "slug": "mens-knit-slip-on-sneaker",
        "name": "Men's Knit Slip-On Sneaker",
        "category": "footwear",
        "brand": "Stride Lab",
        "description": (
            "A lightweight slip-on with a one-piece knit upper made from recycled plastic bottles "
            "and a cushioned foam sole. It folds flat for packing. Remove the insoles and machine "
            "wash cold on a gentle cycle; air dry."
        ),
        "price": "84.00",
        "options": {"colour": ["Black", "Grey", "Navy"], "size": ["7", "8", "9", "10", "11", "12"]},
        "tags": ["sneakers", "slip-on", "travel", "machine washable"],
    },
    {
        "slug": "mens-leather-chelsea-boot",
        "name": "Men's Leather Chelsea Boot",
        "category": "footwear",
        "brand": "Alder & Finch",
        "description": (
            "A pull-on Chelsea boot in full-grain leather with elastic side panels and a heel pull "
            "tab. The Goodyear-welted rubber sole can be resoled. It fits true to size; expect a "
            "short break-in period."
        ),
        "price": "168.00",
        "options": {"colour": ["Dark Brown", "Black"], "size": ["7", "8", "9", "10", "11", "12"]},
        "tags": ["boots", "leather", "chelsea"],
    },
    {
        "slug": "mens-leather-penny-loafer",
        "name": "Men's Leather Penny Loafer",
        "category": "footwear",
        "brand": "Alder & Finch",
        "description": (
            "A classic penny loafer in polished calf leather with a hand-sewn moccasin toe and a "
            "leather sole with a rubber heel. It fits snugly at first and relaxes with wear. Wear "
            "with or without socks."
        ),
        "price": "148.00",
        "options": {"colour": ["Black", "Burgundy"], "size": ["7", "8", "9", "10", "11", "12"]},
        "tags": ["loafers", "leather", "workwear"],
    },
    {
        "slug": "mens-leather-slide-sandal",
        "name": "Men's Leather Slide Sandal",
        "category": "footwear",
        "brand": "Tidewater",
        "description": (
            "A wide single-strap slide with a full-grain leather upper and a cushioned, contoured "
            "footbed. The rubber outsole has a light tread for poolside and pavement. Fits true to "
            "size."
        ),
        "price": "58.00",
        "options": {"colour": ["Brown", "Black"], "size": ["7", "8", "9", "10", "11", "12"]},
        "tags": ["sandals", "slides", "summer", "leather"],
    },
    {
        "slug": "mens-suede-desert-boot",
        "name": "Men's Suede Desert Boot",
        "category": "footwear",
        "brand": "Alder & Finch",
        "description": (
            "A two-eyelet desert boot in soft suede with a natural crepe rubber sole that is "
            "springy underfoot. It goes with chinos and jeans alike. Treat with a suede protector "
            "spray before the first wear."
        ),
        "price": "128.00",
        "options": {"colour": ["Sand", "Chocolate"], "size": ["7", "8", "9", "10", "11", "12"]},
        "tags": ["boots", "suede", "casual"],
    },
    {
        "slug": "mens-trail-running-shoe",
        "name": "Men's Trail Running Shoe",
        "category": "footwear",
        "brand": "Stride Lab",
        "description": (
            "A trail shoe with 5 mm lugs for grip on mud and loose rock and a rock plate to "
            "protect the forefoot. The mesh upper drains quickly after stream crossings. It weighs "
            "about 10.5 oz in a size 9 and has an 8 mm drop."
        ),
        "price": "128.00",
        "options": {
            "colour": ["Black/Orange", "Grey/Lime"],
            "size": ["7", "8", "9", "10", "11", "12"],
        },
        "tags": ["running", "trail", "grip"],
    },
    {
        "slug": "mens-waterproof-hiking-boot",
        "name": "Men's Waterproof Hiking Boot",
        "category": "footwear",
        "brand": "Ridgeline",
        "description": (
            "A mid-height hiking boot with a waterproof, breathable membrane, a nubuck leather and "
            "mesh upper, and a grippy rubber outsole. Its supportive midsole is built for day "
            "hikes with a loaded pack. It fits true to size with room for a midweight hiking sock."
        ),
        "price": "149.00",
        "options": {"colour": ["Brown", "Charcoal"], "size": ["7", "8", "9", "10", "11", "12"]},
        "tags": ["hiking", "boots", "waterproof"],
    },
    {
        "slug": "womens-block-heel-ankle-boot",
        "name": "Women's Block Heel Ankle Boot",
        "category": "footwear",
        "brand": "Alder & Finch",
        "description": (
            "An almond-toe ankle boot in water-repellent suede with a stable 2.5-inch block heel "
            "and an inside zip. A cushioned insole makes it easy to wear through a full day. Fits "
            "true to size."
        ),
        "price": "158.00",
        "options": {"colour": ["Black", "Taupe"], "size": ["5", "6", "7", "8", "9", "10"]},
        "tags": ["boots", "heels", "suede"],
    },
    {
        "slug": "womens-canvas-low-top-sneaker",
        "name": "Women's Canvas Low-Top Sneaker",
        "category": "footwear",
        "brand": "Tidewater",
        "description": (
            "A simple lace-up sneaker with an organic cotton canvas upper and a natural rubber "
            "cupsole. The removable footbed is cushioned with recycled foam. It runs true to size; "
            "spot clean with mild soap."
        ),
        "price": "52.00",
        "options": {"colour": ["White", "Navy", "Black"], "size": ["5", "6", "7", "8", "9", "10"]},
        "tags": ["sneakers", "canvas", "casual", "vegan"],
    },
    {
        "slug": "womens-cork-footbed-sandal",
        "name": "Women's Cork Footbed Sandal",
        "category": "footwear",
        "brand": "Tidewater",
        "description": (
            "A two-strap slide sandal with adjustable buckles and a contoured cork and latex "
            "footbed that moulds to your foot over time. The uppers are oiled leather. Keep the "
            "cork away from prolonged soaking."
        ),
        "price": "64.00",
        "options": {
            "colour": ["Black", "Cognac", "White"],
            "size": ["5", "6", "7", "8", "9", "10"],
        },
        "tags": ["sandals", "summer", "leather"],
    },
    {
        "slug": "womens-daily-road-runner",
        "name": "Women's Daily Road Runner",
        "category": "footwear",
        "brand": "Stride Lab",
        "description": (
            "A neutral daily trainer with a soft yet responsive foam midsole and a durable rubber "
            "outsole. The engineered-mesh upper is breathable and has a padded heel collar. It has "
            "a 10 mm drop and runs true to size."
        ),
        "price": "118.00",
        "options": {
            "colour": ["Black", "White/Pink", "Sky Blue"],
            "size": ["5", "6", "7", "8", "9", "10"],
        },
        "tags": ["running", "road", "cushioned"],
    },
    {
        "slug": "womens-leather-ballet-flat",
        "name": "Women's Leather Ballet Flat",
        "category": "footwear",
        "brand": "Alder & Finch",
        "description": (
            "A soft nappa leather ballet flat with a rounded toe, a tiny bow and a padded leather "
            "footbed. The flexible rubber sole is made for walking all day. If you are between "
            "sizes, choose the smaller size, as the leather stretches slightly."
        ),
        "price": "89.00",
        "options": {"colour": ["Black", "Tan", "Red"], "size": ["5", "6", "7", "8", "9", "10"]},
        "tags": ["flats", "leather", "workwear"],
    },
    {
        "slug": "womens-leather-chelsea-boot",
        "name": "Women's Leather Chelsea Boot",
        "category": "footwear",
        "brand": "Alder & Finch",
        "description": (
            "An ankle-height Chelsea boot in smooth full-grain leather with stretch side gussets "
            "and a stacked 1.25-inch heel. The leather lining and padded insole make it "
            "comfortable from day one. Fits true to size."
        ),
        "price": "168.00",
        "options": {"colour": ["Tan", "Black"], "size": ["5", "6", "7", "8", "9", "10"]},
        "tags": ["boots", "leather", "chelsea"],
    },
    {
        "slug": "womens-shearling-lined-slipper",
        "name": "Women's Shearling-Lined Slipper",
        "category": "footwear",
        "brand": "Tidewater",
        "description": (
            "A moccasin-style slipper in suede, lined with genuine sheepskin shearling that keeps "
            "feet warm without overheating. The rubber sole is sturdy enough for a trip to the "
            "mailbox. If you are a half size, choose the smaller size."
        ),
        "price": "72.00",
        "options": {"colour": ["Chestnut", "Grey"], "size": ["5", "6", "7", "8", "9", "10"]},
        "tags": ["slippers", "cozy", "gift", "shearling"],
    },
    {
        "slug": "womens-trail-running-shoe",
        "name": "Women's Trail Running Shoe",
        "category": "footwear",
        "brand": "Stride Lab",
        "description": (
            "A women's-specific trail shoe with a narrower heel, 5 mm multi-directional lugs and a "
            "protective rock plate. The quick-draining mesh upper has a gusseted tongue to keep "
            "out grit. It has an 8 mm drop."
        ),
        "price": "128.00",
        "options": {
            "colour": ["Teal/Coral", "Grey/Lilac"],
            "size": ["5", "6", "7", "8", "9", "10"],
        },
        "tags": ["running", "trail", "grip"],
    },
    {
        "slug": "womens-waterproof-hiking-boot",
        "name": "Women's Waterproof Hiking Boot",
        "category": "footwear",
        "brand": "Ridgeline",
        "description": (
            "A women's-fit mid hiking boot with a waterproof, breathable membrane and a cushioned "
            "midsole for long trail days. The lacing system locks the heel in place on descents. "
            "It fits true to size with room for a midweight hiking sock."
        ),
        "price": "149.00",
        "options": {"colour": ["Taupe", "Slate"], "size": ["5", "6", "7", "8", "9", "10"]},
        "tags": ["hiking", "boots", "waterproof"],
    },
    # home-kitchen
    {
        "slug": "bamboo-drawer-organizers",
        "name": "Bamboo Drawer Organizers",
        "category": "home-kitchen",
        "brand": "Maple & Moss",
        "description": (
            "Stackable bamboo trays in mixed sizes for cutlery, utensils or office drawers. The "
            "sustainably grown bamboo is finished with a food-safe oil. Wipe clean with a damp "
            "cloth."
        ),
        "price": "29.00",
        "options": {"size": ["Set of 3", "Set of 5"]},
        "tags": ["organization", "bamboo", "kitchen"],
    },
    {
        "slug": "cedar-sea-salt-soy-candle",
        "name": "Cedar & Sea Salt Soy Candle",
        "category": "home-kitchen",
        "brand": "Maple & Moss",
        "description": (
            "A hand-poured soy wax candle scented with cedarwood, sea salt and a hint of citrus, "
            "in a reusable amber glass jar. The cotton wick burns cleanly; the 8-oz size burns for "
            "about 45 hours. Trim the wick before each use."
        ),
        "price": "32.00",
        "options": {"size": ["8 oz", "14 oz"]},
        "tags": ["candle", "soy", "home fragrance", "gift"],
    },
    {
        "slug": "ceramic-nonstick-pan-set",
        "name": "Ceramic Nonstick Pan Set",
        "category": "home-kitchen",
        "brand": "Copper Kettle",
        "description": (
            "Two frying pans, 8 and 10 inches, with a ceramic nonstick coating made without PFAS. "
            "They suit all hobs including induction and are oven safe to 450°F. Hand wash with a "
            "soft sponge to keep the coating slick."
        ),
        "price": "89.00",
        "options": {"colour": ["Cream", "Graphite"]},
        "tags": ["frying pan", "nonstick", "cookware", "pfas-free"],
    },
    {
        "slug": "ceramic-table-lamp",
        "name": "Ceramic Table Lamp",
        "category": "home-kitchen",
        "brand": "Linden Home",
        "description": (
            "A 20-inch table lamp with a textured ceramic base and a natural linen drum shade. It "
            "has an inline switch and takes one standard E26 bulb (not included). Works "
            "beautifully on a bedside table or console."
        ),
        "price": "119.00",
        "options": {"colour": ["Ivory", "Sage"]},
        "tags": ["lamp", "lighting", "decor"],
    },
    {
        "slug": "chunky-knit-throw-blanket",
        "name": "Chunky Knit Throw Blanket",
        "category": "home-kitchen",
        "brand": "Linden Home",
        "description": (
            "A 50 by 60 inch throw hand-knitted from thick, soft acrylic chenille yarn that does "
            "not shed. It adds texture to a sofa or the foot of a bed. Machine wash cold on a "
            "gentle cycle and dry flat."
        ),
        "price": "98.00",
        "options": {"colour": ["Cream", "Charcoal", "Blush"]},
        "tags": ["throw", "blanket", "cozy", "gift"],
    },
    {
        "slug": "cotton-percale-sheet-set",
        "name": "Cotton Percale Sheet Set",
        "category": "home-kitchen",
        "brand": "Linden Home",
        "description": (
            "A crisp, cool 300-thread-count percale set in long-staple cotton: a flat sheet, a "
            "fitted sheet with 16-inch deep pockets and two pillowcases (one for Twin). Machine "
            "wash warm; it softens with every wash."
        ),
        "price": "119.00",
        "options": {
            "colour": ["White", "Light Grey", "Navy"],
            "size": ["Twin", "Full", "Queen", "King", "Cal King"],
        },
        "tags": ["bedding", "sheets", "cotton", "cooling"],
    },
    {
        "slug": "double-wall-french-press",
        "name": "Double-Wall French Press",
        "category": "home-kitchen",
        "brand": "Copper Kettle",
        "description": (
            "A 34-oz stainless steel French press with double walls that keep coffee hot far "
            "longer than glass. The four-layer filter keeps grounds out of your cup. Dishwasher "
            "safe."
        ),
        "price": "54.00",
        "options": {"colour": ["Brushed Steel", "Matte Black"]},
        "tags": ["coffee", "french press", "stainless steel"],
    },
    {
        "slug": "enameled-cast-iron-dutch-oven",
        "name": "Enameled Cast Iron Dutch Oven",
        "category": "home-kitchen",
        "brand": "Copper Kettle",
        "description": (
            "A heavy enameled cast iron pot for braising, soups and bread, with a tight-fitting "
            "lid that keeps moisture in. It works on all hobs including induction and is oven safe "
            "to 500°F. Dishwasher safe, though hand washing keeps the enamel bright."
        ),
        "price": "179.00",
        "options": {
            "colour": ["Cherry Red", "Navy", "Cream", "Sage"],
            "volume": ["5.5 qt", "7 qt"],
        },
        "tags": ["dutch oven", "cast iron", "cookware", "gift"],
    },
    {
        "slug": "end-grain-walnut-cutting-board",
        "name": "End-Grain Walnut Cutting Board",
        "category": "home-kitchen",
        "brand": "Maple & Moss",
        "description": (
            "A thick end-grain board in solid American black walnut that is gentle on knife edges. "
            "It has rubber feet and a juice groove on one side. Hand wash only and oil monthly "
            "with food-safe mineral oil."
        ),
        "price": "85.00",
        "options": {"size": ["Medium", "Large"]},
        "tags": ["cutting board", "walnut", "kitchen", "gift"],
    },
    {
        "slug": "german-steel-chefs-knife",
        "name": "German Steel Chef's Knife",
        "category": "home-kitchen",
        "brand": "Copper Kettle",
        "description": (
            "An 8-inch chef's knife forged from high-carbon German stainless steel with a full "
            "tang and a comfortable pakkawood handle. It arrives razor sharp and holds its edge "
            "well. Hand wash and dry straight away."
        ),
        "price": "69.00",
        "options": {},
        "tags": ["knife", "chef's knife", "kitchen", "gift"],
    },
    {
        "slug": "glass-food-storage-set",
        "name": "Glass Food Storage Set",
        "category": "home-kitchen",
        "brand": "Copper Kettle",
        "description": (
            "Five borosilicate glass containers in different sizes with leakproof locking lids, "
            "ten pieces in all. The glass goes from freezer to oven; the lids are BPA-free. "
            "Everything is dishwasher safe."
        ),
        "price": "42.00",
        "options": {},
        "tags": ["food storage", "meal prep", "glass", "kitchen"],
    },
    {
        "slug": "gooseneck-electric-kettle",
        "name": "Gooseneck Electric Kettle",
        "category": "home-kitchen",
        "brand": "Copper Kettle",
        "description": (
            "A 0.9-liter gooseneck kettle with precise temperature control from 140 to 212°F and a "
            "one-hour keep-warm setting. The slim spout gives a steady pour for coffee and tea. It "
            "shuts off automatically when lifted off the base."
        ),
        "price": "79.00",
        "options": {"colour": ["Matte Black", "White", "Copper"]},
        "tags": ["kettle", "coffee", "tea", "electric"],
    },
    {
        "slug": "linen-napkins-set-of-4",
        "name": "Linen Napkins Set of 4",
        "category": "home-kitchen",
        "brand": "Linden Home",
        "description": (
            "Four generously sized 20-inch napkins in stonewashed linen with mitred corners. They "
            "look relaxed without ironing and get softer with every wash. Machine washable."
        ),
        "price": "36.00",
        "options": {"colour": ["Natural", "White", "Indigo", "Terracotta"]},
        "tags": ["napkins", "linen", "table", "gift"],
    },
    {
        "slug": "pour-over-coffee-set",
        "name": "Pour-Over Coffee Set",
        "category": "home-kitchen",
        "brand": "Copper Kettle",
        "description": (
            "A porcelain pour-over dripper paired with a 20-oz borosilicate glass carafe and 40 "
            "paper filters. It brews two to three cups at a time. Both pieces are dishwasher safe."
        ),
        "price": "48.00",
        "options": {"colour": ["White", "Black"]},
        "tags": ["coffee", "pour-over", "gift"],
    },
    {
        "slug": "stoneware-dinnerware-set",
        "name": "Stoneware Dinnerware Set",
        "category": "home-kitchen",
        "brand": "Linden Home",
        "description": (
            "A 16-piece set for four: dinner plates, side plates, bowls and mugs in reactive-glaze "
            "stoneware, so each piece is slightly unique. Dishwasher and microwave safe."
        ),
        "price": "119.00",
        "options": {"colour": ["Speckled White", "Slate Blue"]},
        "tags": ["dinnerware", "stoneware", "tableware"],
    },
    {
        "slug": "stonewashed-linen-duvet-cover",
        "name": "Stonewashed Linen Duvet Cover",
        "category": "home-kitchen",
        "brand": "Linden Home",
        "description": (
            "A duvet cover in 100% stonewashed French flax linen that is soft from the first night "
            "and breathable all year round. It closes with coconut-shell buttons and has corner "
            "ties. Machine washable; pillowcases sold separately."
        ),
        "price": "169.00",
        "options": {
            "colour": ["White", "Oatmeal", "Sage", "Charcoal"],
            "size": ["Twin", "Full/Queen", "King"],
        },
        "tags": ["bedding", "linen", "duvet cover"],
    },
    {
        "slug": "tri-ply-stainless-skillet",
        "name": "Tri-Ply Stainless Skillet",
        "category": "home-kitchen",
        "brand": "Copper Kettle",
        "description": (
            "A fully clad tri-ply skillet with an aluminium core that heats evenly, and a riveted "
            "stay-cool handle. It is induction compatible and oven safe to 600°F. Dishwasher safe."
        ),
        "price": "79.00",
        "options": {"size": ["10 in", "12 in"]},
        "tags": ["skillet", "stainless steel", "cookware"],
    },
    {
        "slug": "waffle-bath-towel-set",
        "name": "Waffle Bath Towel Set",
        "category": "home-kitchen",
        "brand": "Linden Home",
        "description": (
            "Two bath towels and two hand towels in a lightweight waffle-weave Turkish cotton that "
            "is absorbent and dries quickly between uses. Machine washable; skip fabric softener "
            "to keep them absorbent."
        ),
        "price": "59.00",
        "options": {"colour": ["White", "Stone", "Eucalyptus"]},
        "tags": ["towels", "bath", "cotton"],
    },
    # kids-toys
    {
        "slug": "beach-sand-toy-set",
        "name": "Beach Sand Toy Set",
        "category": "kids-toys",
        "brand": "Little Cove",
        "description": (
            "A nine-piece sand set with a bucket, spade, rake, sieve, watering can and shell "
            "moulds, made from recycled plastic. Everything packs into a mesh bag. Ages 18 months "
            "and up."
        ),
        "price": "24.00",
        "options": {},
        "tags": ["beach", "sand toys", "outdoor"],
    },
    {
        "slug": "beeswax-crayons-16-pack",
        "name": "Beeswax Crayons 16-Pack",
        "category": "kids-toys",
        "brand": "Maple & Moss",
        "description": (
            "Chunky crayons made from beeswax and food-grade pigments that give bright, smooth "
            "colour. Their shape is easy for little hands to grip and hard to snap. Ages 2 and up."
        ),
        "price": "16.00",
        "options": {},
        "tags": ["crayons", "art", "non-toxic"],
    },
    {
        "slug": "build-a-bot-coding-kit",
        "name": "Build-a-Bot Coding Kit",
        "category": "kids-toys",
        "brand": "Little Cove",
        "description": (
            "A snap-together robot that kids program with a free block-based coding app on a "
            "tablet. It has line-following and obstacle sensors and charges by USB-C. Ages 8 and "
            "up."
        ),
        "price": "69.00",
        "options": {},
        "tags": ["stem", "coding", "robot", "gift"],
    },
    {
        "slug": "double-sided-art-easel",
        "name": "Double-Sided Art Easel",
        "category": "kids-toys",
        "brand": "Maple & Moss",
        "description": (
            "A wooden easel with a chalkboard on one side and a magnetic whiteboard on the other, "
            "plus a paper roll holder and two storage trays. It folds flat to store. Ages 3 and "
            "up."
        ),
        "price": "89.00",
        "options": {},
        "tags": ["art", "easel", "creative play"],
    },
    {
        "slug": "kids-insulated-water-bottle",
        "name": "Kids' Insulated Water Bottle",
        "category": "kids-toys",
        "brand": "Little Cove",
        "description": (
            "A 12-oz stainless steel bottle with a flip-up straw lid that does not leak in a "
            "backpack. It keeps water cold through the school day. The lid is top-rack dishwasher "
            "safe; hand wash the bottle."
        ),
        "price": "18.00",
        "options": {"colour": ["Ocean Blue", "Mint", "Coral"]},
        "tags": ["water bottle", "kids", "school"],
    },
    {
        "slug": "kids-mini-backpack",
        "name": "Kids' Mini Backpack",
        "category": "kids-toys",
        "brand": "Little Cove",
        "description": (
            "A 9-liter backpack sized for preschool and kindergarten, with padded straps, a chest "
            "clip and a name label inside. It fits a lunch box and a folder. Made from "
            "water-resistant recycled polyester."
        ),
        "price": "38.00",
        "options": {"colour": ["Navy Stars", "Green Dino", "Pink Floral"]},
        "tags": ["backpack", "preschool", "kids"],
    },
    {
        "slug": "kids-organic-cotton-pajamas",
        "name": "Kids' Organic Cotton Pajamas",
        "category": "kids-toys",
        "brand": "Little Cove",
        "description": (
            "A two-piece long-sleeve pajama set in organic cotton rib. It is cut snug-fitting, as "
            "US safety rules require for children's sleepwear that is not flame resistant. Machine "
            "wash cold."
        ),
        "price": "32.00",
        "options": {
            "colour": ["Blue Stripe", "Dino Print"],
            "size": ["2T", "3T", "4T", "5", "6", "7"],
        },
        "tags": ["pajamas", "kids clothing", "organic", "sleepwear"],
    },
    {
        "slug": "kids-rain-jacket",
        "name": "Kids' Rain Jacket",
        "category": "kids-toys",
        "brand": "Little Cove",
        "description": (
            "A waterproof rain jacket with taped seams, a snap-off hood and reflective trim, lined "
            "with soft mesh. Extra room in the sleeves lets it fit over a sweater. Sizes follow "
            "age; machine wash cold."
        ),
        "price": "48.00",
        "options": {"colour": ["Yellow", "Navy", "Red"], "size": ["2T", "3T", "4T", "5", "6", "7"]},
        "tags": ["rain jacket", "kids clothing", "waterproof"],
    },
    {
        "slug": "magnetic-building-tiles-60-piece",
        "name": "Magnetic Building Tiles 60-Piece",
        "category": "kids-toys",
        "brand": "Little Cove",
        "description": (
            "Sixty translucent magnetic tiles in squares and triangles that click together to "
            "build towers, cars and castles. The magnets are sealed inside and the tiles are "
            "rivet-free. Ages 3 and up."
        ),
        "price": "59.00",
        "options": {},
        "tags": ["building", "magnetic tiles", "stem"],
    },
    {
        "slug": "muslin-swaddle-blanket-set",
        "name": "Muslin Swaddle Blanket Set",
        "category": "kids-toys",
        "brand": "Little Cove",
        "description": (
            "Three large 47-inch swaddles in breathable cotton muslin that gets softer with every "
            "wash. Use them for swaddling, nursing cover, stroller shade or burp cloth. Machine "
            "washable."
        ),
        "price": "34.00",
        "options": {"colour": ["Sage Leaves", "Blush Dots"]},
        "tags": ["baby", "swaddle", "muslin", "gift"],
    },
    {
        "slug": "organic-cotton-plush-bunny",
        "name": "Organic Cotton Plush Bunny",
        "category": "kids-toys",
        "brand": "Little Cove",
        "description": (
            "A soft, floppy-eared bunny made from organic cotton with embroidered eyes, safe from "
            "birth. It is 12 inches tall and just right for small hands. Machine washable on a "
            "gentle cycle."
        ),
        "price": "28.00",
        "options": {"colour": ["Oat", "Blush"]},
        "tags": ["plush", "baby", "gift", "organic"],
    },
    {
        "slug": "toddler-balance-bike",
        "name": "Toddler Balance Bike",
        "category": "kids-toys",
        "brand": "Little Cove",
        "description": (
            "A lightweight 12-inch balance bike with puncture-proof foam tires and a tool-free "
            "adjustable seat from 11 to 15 inches. It helps toddlers learn to balance before "
            "pedals. Ages 2 to 4."
        ),
        "price": "119.00",
        "options": {"colour": ["Red", "Teal", "Cream"]},
        "tags": ["balance bike", "outdoor", "toddler"],
    },
    {
        "slug": "treasure-trail-cooperative-board-game",
        "name": "Treasure Trail Cooperative Board Game",
        "category": "kids-toys",
        "brand": "Little Cove",
        "description": (
            "A cooperative game where players work together to collect treasure before the tide "
            "comes in, so nobody loses. Rounds take about 20 minutes and teach turn-taking and "
            "counting. For 2 to 4 players, ages 5 and up."
        ),
        "price": "29.00",
        "options": {},
        "tags": ["board game", "family", "cooperative"],
    },
    {
        "slug": "under-the-sea-48-piece-floor-puzzle",
        "name": "Under the Sea 48-Piece Floor Puzzle",
        "category": "kids-toys",
        "brand": "Little Cove",
        "description": (
            "A 2 by 3 foot floor puzzle of an ocean scene with extra-thick pieces, printed with "
            "soy-based inks. A poster in the box names each sea creature. Ages 4 and up."
        ),
        "price": "22.00",
        "options": {},
        "tags": ["puzzle", "floor puzzle", "ocean"],
    },
    {
        "slug": "wooden-dollhouse",
        "name": "Wooden Dollhouse",
        "category": "kids-toys",
        "brand": "Maple & Moss",
        "description": (
            "A three-story wooden dollhouse with an open back, a staircase and a balcony, plus 12 "
            "pieces of furniture. It is made from sustainably sourced wood and painted with "
            "water-based paints. Ages 3 and up."
        ),
        "price": "149.00",
        "options": {},
        "tags": ["dollhouse", "pretend play", "wooden toy", "gift"],
    },
    {
        "slug": "wooden-play-kitchen",
        "name": "Wooden Play Kitchen",
        "category": "kids-toys",
        "brand": "Maple & Moss",
        "description": (
            "A compact wooden play kitchen with an oven, a sink, clicking knobs and a cabinet with "
            "shelves. It stands 34 inches tall and includes two hooks for utensils. Adult assembly "
            "required; ages 3 and up."
        ),
        "price": "189.00",
        "options": {},
        "tags": ["play kitchen", "pretend play", "wooden toy"],
    },
    {
        "slug": "wooden-railway-set",
        "name": "Wooden Railway Set",
        "category": "kids-toys",
        "brand": "Maple & Moss",
        "description": (
            "A 52-piece beechwood train set with a bridge, a tunnel, a magnetic engine and "
            "carriages. The track is compatible with most major wooden railway brands. Ages 3 and "
            "up."
        ),
        "price": "79.00",
        "options": {},
        "tags": ["train set", "wooden toy", "imaginative play"],
    },
    {
        "slug": "wooden-stacking-rainbow",
        "name": "Wooden Stacking Rainbow",
        "category": "kids-toys",
        "brand": "Maple & Moss",
        "description": (
            "Seven nesting arches in solid basswood finished with water-based, non-toxic paint. "
            "Stack, balance and build tunnels, bridges and little houses. Suitable from 12 months."
        ),
        "price": "36.00",
        "options": {},
        "tags": ["wooden toy", "stacking", "montessori", "toddler"],
    },
    # mens-clothing
    {
        "slug": "brushed-flannel-overshirt",
        "name": "Brushed Flannel Overshirt",
        "category": "mens-clothing",
        "brand": "Saltmarsh",
        "description": (
            "A heavyweight cotton flannel brushed on both sides for warmth, cut roomy enough to "
            "layer over a tee or thin sweater. It has two button-flap chest pockets. Machine "
            "washable; tumble dry low."
        ),
        "price": "72.00",
        "options": {
            "colour": ["Red Plaid", "Green Plaid", "Grey Plaid"],
            "size": ["S", "M", "L", "XL", "XXL"],
        },
        "tags": ["flannel", "overshirt", "plaid", "fall"],
    },
    {
        "slug": "denim-trucker-jacket",
        "name": "Denim Trucker Jacket",
        "category": "mens-clothing",
        "brand": "Saltmarsh",
        "description": (
            "A classic trucker jacket in 12 oz cotton denim with pleated front panels and "
            "adjustable waist tabs. It has two chest flap pockets and two hand pockets. Wash "
            "inside out in cold water."
        ),
        "price": "92.00",
        "options": {"colour": ["Mid Wash", "Dark Wash"], "size": ["S", "M", "L", "XL", "XXL"]},
        "tags": ["denim", "jacket", "layering"],
    },
    {
        "slug": "fleece-jogger-sweatpants",
        "name": "Fleece Jogger Sweatpants",
        "category": "mens-clothing",
        "brand": "Tidewater",
        "description": (
            "Tapered joggers in a brushed-back cotton fleece with ribbed ankle cuffs, a drawcord "
            "waist and a zip back pocket. They are soft enough for lounging and tidy enough for "
            "errands. Machine wash cold."
        ),
        "price": "52.00",
        "options": {
            "colour": ["Heather Grey", "Black", "Navy"],
            "size": ["S", "M", "L", "XL", "XXL"],
        },
        "tags": ["joggers", "sweatpants", "loungewear"],
    },
    {
        "slug": "heavyweight-pocket-tee",
        "name": "Heavyweight Pocket Tee",
        "category": "mens-clothing",
        "brand": "Tidewater",
        "description": (
            "A substantial 240 gsm cotton tee with a chest pocket and a ribbed collar that holds "
            "its shape. It is garment-dyed and pre-shrunk for a broken-in feel from the first "
            "wear. Machine wash cold."
        ),
        "price": "30.00",
        "options": {
            "colour": ["White", "Black", "Navy", "Heather Grey", "Olive"],
            "size": ["S", "M", "L", "XL", "XXL"],
        },
        "tags": ["t-shirt", "cotton", "basics"],
    },
    {
        "slug": "linen-camp-collar-shirt",
        "name": "Linen Camp-Collar Shirt",
        "category": "mens-clothing",
        "brand": "Saltmarsh",
        "description": (
            "A short-sleeved shirt with an open camp collar in breathable washed linen. It has a "
            "straight hem designed to be worn untucked and a boxy, relaxed fit. Machine washable; "
            "line dry to limit creasing."
        ),
        "price": "62.00",
        "options": {
            "colour": ["White", "Sand", "Sage", "Navy"],
            "size": ["S", "M", "L", "XL", "XXL"],
        },
        "tags": ["linen", "shirt", "summer", "vacation"],
    },
    {
        "slug": "loopback-crewneck-sweatshirt",
        "name": "Loopback Crewneck Sweatshirt",
        "category": "mens-clothing",
        "brand": "Tidewater",
        "description": (
            "A heavyweight 100% cotton loopback sweatshirt with a classic V-stitch at the collar "
            "and ribbed cuffs and hem. The unbrushed interior stays cool and gets softer over "
            "time. Machine wash cold."
        ),
        "price": "56.00",
        "options": {
            "colour": ["Heather Grey", "Navy", "Black", "Forest Green"],
            "size": ["S", "M", "L", "XL", "XXL"],
        },
        "tags": ["sweatshirt", "cotton", "loungewear"],
    },
    {
        "slug": "merino-crew-sweater",
        "name": "Merino Crew Sweater",
        "category": "mens-clothing",
        "brand": "Alder & Finch",
        "description": (
            "A midweight crewneck knitted from 100% merino wool that regulates temperature and "
            "resists odour. The fit is regular and true to size, with saddle shoulders for easy "
            "movement. Machine washable on the wool cycle; dry flat."
        ),
        "price": "89.00",
        "options": {
            "colour": ["Navy", "Oatmeal", "Charcoal", "Bottle Green"],
            "size": ["S", "M", "L", "XL", "XXL"],
        },
        "tags": ["merino", "wool", "knitwear", "sweater"],
    },
    {
        "slug": "oxford-button-down-shirt",
        "name": "Oxford Button-Down Shirt",
        "category": "mens-clothing",
        "brand": "Alder & Finch",
        "description": (
            "A classic button-down collar shirt in a sturdy 100% cotton oxford cloth. The regular "
            "fit is roomy through the chest with a back box pleat and a curved hem. Machine "
            "washable and easy to iron."
        ),
        "price": "58.00",
        "options": {
            "colour": ["White", "Light Blue", "Pink", "Blue Stripe"],
            "size": ["S", "M", "L", "XL", "XXL"],
        },
        "tags": ["shirt", "oxford", "workwear", "cotton"],
    },
    {
        "slug": "pique-polo-shirt",
        "name": "Pique Polo Shirt",
        "category": "mens-clothing",
        "brand": "Saltmarsh",
        "description": (
            "A classic polo in breathable cotton pique with a two-button placket and a ribbed "
            "collar that stays crisp. The back hem is slightly longer so it stays tucked in. "
            "Machine washable."
        ),
        "price": "48.00",
        "options": {
            "colour": ["White", "Navy", "Black", "Sky Blue", "Green"],
            "size": ["S", "M", "L", "XL", "XXL"],
        },
        "tags": ["polo", "cotton", "summer"],
    },
    {
        "slug": "quick-dry-swim-trunks",
        "name": "Quick-Dry Swim Trunks",
        "category": "mens-clothing",
        "brand": "Tidewater",
        "description": (
            "Swim trunks in a recycled-polyester fabric that dries quickly, with a 6-inch inseam, "
            "an elastic drawstring waist and a mesh liner. A zip back pocket keeps keys safe. "
            "Rinse in fresh water after swimming."
        ),
        "price": "42.00",
        "options": {
            "colour": ["Navy", "Coral", "Green Palm Print"],
            "size": ["S", "M", "L", "XL", "XXL"],
        },
        "tags": ["swimwear", "swim trunks", "beach", "quick-dry"],
    },
    {
        "slug": "quilted-puffer-vest",
        "name": "Quilted Puffer Vest",
        "category": "mens-clothing",
        "brand": "Ridgeline",
        "description": (
            "A lightweight vest filled with 650-fill-power responsibly sourced down. It packs into "
            "its own left hand pocket and has a water-repellent shell that shrugs off light rain. "
            "Machine wash on a gentle cycle and tumble dry with clean tennis balls."
        ),
        "price": "98.00",
        "options": {"colour": ["Black", "Navy", "Olive"], "size": ["S", "M", "L", "XL", "XXL"]},
        "tags": ["vest", "insulated", "layering", "packable"],
    },
    {
        "slug": "shawl-collar-cardigan",
        "name": "Shawl-Collar Cardigan",
        "category": "mens-clothing",
        "brand": "Alder & Finch",
        "description": (
            "A heavy ribbed cardigan with a wide shawl collar, leather-look buttons and two patch "
            "pockets, knitted from lambswool and recycled nylon. It works as a light jacket "
            "indoors and out. Hand wash cold and dry flat."
        ),
        "price": "110.00",
        "options": {
            "colour": ["Oatmeal", "Charcoal", "Navy"],
            "size": ["S", "M", "L", "XL", "XXL"],
        },
        "tags": ["cardigan", "knitwear", "wool", "cozy"],
    },
    {
        "slug": "slim-stretch-chinos",
        "name": "Slim Stretch Chinos",
        "category": "mens-clothing",
        "brand": "Alder & Finch",
        "description": (
            "Slim-fit chinos in a cotton twill with 2% elastane, tapered from knee to ankle. They "
            "have a 32-inch inseam that can be hemmed and a hidden coin pocket. Sizes are by waist "
            "in inches; machine wash cold."
        ),
        "price": "68.00",
        "options": {
            "colour": ["Khaki", "Navy", "Olive", "Stone"],
            "size": ["30", "32", "34", "36", "38"],
        },
        "tags": ["chinos", "trousers", "stretch", "workwear"],
    },
    {
        "slug": "straight-fit-selvedge-jeans",
        "name": "Straight-Fit Selvedge Jeans",
        "category": "mens-clothing",
        "brand": "Alder & Finch",
        "description": (
            "Straight-leg jeans cut from 13.5 oz selvedge denim woven on vintage shuttle looms. "
            "The raw indigo will fade to match how you wear it; the rinsed wash has been washed "
            "once and will not shrink further. 32-inch inseam, sized by waist in inches."
        ),
        "price": "110.00",
        "options": {
            "colour": ["Raw Indigo", "Rinsed Indigo"],
            "size": ["28", "30", "32", "34", "36", "38"],
        },
        "tags": ["denim", "jeans", "selvedge"],
    },
    {
        "slug": "stretch-chino-shorts",
        "name": "Stretch Chino Shorts",
        "category": "mens-clothing",
        "brand": "Saltmarsh",
        "description": (
            "Flat-front chino shorts with a 7-inch inseam, made from cotton twill with a touch of "
            "stretch. They have two back welt pockets and a zip fly. Sized by waist in inches; "
            "machine wash cold."
        ),
        "price": "46.00",
        "options": {
            "colour": ["Khaki", "Navy", "Olive", "Stone"],
            "size": ["30", "32", "34", "36", "38"],
        },
        "tags": ["shorts", "chinos", "summer", "stretch"],
    },
    {
        "slug": "stretch-cotton-boxer-briefs-3-pack",
        "name": "Stretch Cotton Boxer Briefs 3-Pack",
        "category": "mens-clothing",
        "brand": "Tidewater",
        "description": (
            "Three pairs of boxer briefs in a soft cotton and elastane jersey with a 5-inch leg "
            "that will not ride up. The brushed waistband sits flat and does not roll. Machine "
            "washable."
        ),
        "price": "34.00",
        "options": {"colour": ["Black", "Black/Grey/Navy"], "size": ["S", "M", "L", "XL", "XXL"]},
        "tags": ["underwear", "boxer briefs", "multipack"],
    },
    {
        "slug": "waxed-cotton-field-jacket",
        "name": "Waxed Cotton Field Jacket",
        "category": "mens-clothing",
        "brand": "Alder & Finch",
        "description": (
            "A four-pocket field jacket in waxed cotton canvas with a corduroy collar and a tartan "
            "cotton lining. The wax finish repels wind and showers and develops a patina over "
            "time. Wipe clean only; do not machine wash."
        ),
        "price": "189.00",
        "options": {"colour": ["Olive", "Tan", "Navy"], "size": ["S", "M", "L", "XL", "XXL"]},
        "tags": ["jacket", "waxed", "water-resistant", "outerwear"],
    },
    {
        "slug": "wool-blend-topcoat",
        "name": "Wool-Blend Topcoat",
        "category": "mens-clothing",
        "brand": "Alder & Finch",
        "description": (
            "A single-breasted topcoat in a warm wool and cashmere blend that sits mid-thigh. It "
            "is cut to fit over a suit jacket or a chunky sweater, with a notch lapel and a fully "
            "lined body. Dry clean only."
        ),
        "price": "245.00",
        "options": {"colour": ["Charcoal", "Camel", "Navy"], "size": ["S", "M", "L", "XL", "XXL"]},
        "tags": ["coat", "wool", "outerwear", "tailored"],
    },
    # outdoor-gear
    {
        "slug": "carbon-trekking-poles",
        "name": "Carbon Trekking Poles",
        "category": "outdoor-gear",
        "brand": "Ridgeline",
        "description": (
            "A pair of three-section carbon fibre poles that adjust from 39 to 53 inches with "
            "quick flick locks. Cork grips wick sweat, and each pole weighs about 8 oz. Rubber "
            "tips and snow baskets are included."
        ),
        "price": "129.00",
        "options": {},
        "tags": ["trekking poles", "hiking", "carbon"],
    },
    {
        "slug": "collapsible-solar-lantern",
        "name": "Collapsible Solar Lantern",
        "category": "outdoor-gear",
        "brand": "Ridgeline",
        "description": (
            "An inflatable LED lantern that charges from the sun or USB-C and collapses flat to 1 "
            "inch. It gives up to 12 hours of light on low and is waterproof to IP67. Handy for "
            "camping and power outages."
        ),
        "price": "29.00",
        "options": {},
        "tags": ["lantern", "solar", "camping", "emergency"],
    },
    {
        "slug": "compact-backpacking-stove",
        "name": "Compact Backpacking Stove",
        "category": "outdoor-gear",
        "brand": "Ridgeline",
        "description": (
            "A 3-oz canister stove with a piezo igniter and a wide burner head that boils a liter "
            "of water in about 4 minutes. It folds into a hard plastic case. Fuel canister sold "
            "separately."
        ),
        "price": "49.00",
        "options": {},
        "tags": ["stove", "camping", "cooking", "backpacking"],
    },
    {
        "slug": "down-sleeping-bag",
        "name": "Down Sleeping Bag",
        "category": "outdoor-gear",
        "brand": "Ridgeline",
        "description": (
            "A mummy sleeping bag filled with 650-fill-power responsibly sourced down and rated to "
            "30°F. It compresses to the size of a loaf of bread in the included stuff sack. "
            "Regular fits people up to 6 ft, Long up to 6 ft 6 in."
        ),
        "price": "219.00",
        "options": {"length": ["Regular", "Long"]},
        "tags": ["sleeping bag", "down", "camping", "backpacking"],
    },
    {
        "slug": "folding-camp-chair",
        "name": "Folding Camp Chair",
        "category": "outdoor-gear",
        "brand": "Ridgeline",
        "description": (
            "A sturdy folding chair with a padded seat, a cup holder and a side pocket for your "
            "phone. It supports up to 300 lb and folds into a shoulder bag. The steel frame is "
            "powder-coated to resist rust."
        ),
        "price": "69.00",
        "options": {"colour": ["Navy", "Olive"]},
        "tags": ["camp chair", "camping", "picnic", "festival"],
    },
    {
        "slug": "grid-fleece-pullover",
        "name": "Grid Fleece Pullover",
        "category": "outdoor-gear",
        "brand": "Ridgeline",
        "description": (
            "A quarter-zip midlayer in grid fleece that traps warmth while letting sweat escape on "
            "the move. It has thumb loops and a zip chest pocket. Unisex sizing; machine washable."
        ),
        "price": "79.00",
        "options": {"colour": ["Charcoal", "Teal", "Rust"], "size": ["XS", "S", "M", "L", "XL"]},
        "tags": ["fleece", "midlayer", "hiking"],
    },
    {
        "slug": "insulated-steel-water-bottle",
        "name": "Insulated Steel Water Bottle",
        "category": "outdoor-gear",
        "brand": "Ridgeline",
        "description": (
            "A double-wall vacuum-insulated bottle in 18/8 stainless steel that keeps drinks cold "
            "for 24 hours or hot for 12. The leakproof cap has a carry loop. Hand wash only; not "
            "dishwasher safe."
        ),
        "price": "34.00",
        "options": {"colour": ["Black", "Sage", "Sky Blue", "White"], "volume": ["21 oz", "32 oz"]},
        "tags": ["water bottle", "insulated", "reusable", "hiking"],
    },
    {
        "slug": "rechargeable-led-headlamp",
        "name": "Rechargeable LED Headlamp",
        "category": "outdoor-gear",
        "brand": "Ridgeline",
        "description": (
            "A 400-lumen headlamp with flood, spot and red night-vision modes and a lock to stop "
            "it switching on in your pack. It charges by USB-C and runs up to 40 hours on the low "
            "setting. Rated IPX4 for rain."
        ),
        "price": "39.00",
        "options": {"colour": ["Black", "Orange"]},
        "tags": ["headlamp", "camping", "running", "rechargeable"],
    },
    {
        "slug": "self-inflating-sleeping-pad",
        "name": "Self-Inflating Sleeping Pad",
        "category": "outdoor-gear",
        "brand": "Ridgeline",
        "description": (
            "A 2-inch-thick open-cell foam pad that inflates itself when you open the valve; a few "
            "breaths top it up. The brushed polyester top stays put under a sleeping bag. A repair "
            "kit and storage strap are included."
        ),
        "price": "89.00",
        "options": {"length": ["Regular", "Long"]},
        "tags": ["sleeping pad", "camping", "self-inflating"],
    },
    {
        "slug": "soft-sided-24-can-cooler",
        "name": "Soft-Sided 24-Can Cooler",
        "category": "outdoor-gear",
        "brand": "Ridgeline",
        "description": (
            "A leakproof soft cooler that holds 24 cans plus ice and keeps them cold for up to two "
            "days. The waterproof zip and welded seams stop drips in the car. It has a padded "
            "shoulder strap."
        ),
        "price": "89.00",
        "options": {"colour": ["Slate", "Sand"]},
        "tags": ["cooler", "camping", "picnic", "beach"],
    },
    {
        "slug": "squeeze-water-filter",
        "name": "Squeeze Water Filter",
        "category": "outdoor-gear",
        "brand": "Ridgeline",
        "description": (
            "A pocket-sized hollow-fibre filter that removes 99.9999% of bacteria and protozoa "
            "from streams and lakes. Screw it onto the included soft pouch or a standard bottle. "
            "Backflush with clean water to keep the flow rate high."
        ),
        "price": "38.00",
        "options": {},
        "tags": ["water filter", "hiking", "emergency", "camping"],
    },
    {
        "slug": "stormline-waterproof-rain-jacket",
        "name": "Stormline Waterproof Rain Jacket",
        "category": "outdoor-gear",
        "brand": "Ridgeline",
        "description": (
            "A 2.5-layer waterproof, breathable shell with fully taped seams, a helmet-compatible "
            "hood and pit zips for venting on climbs. It packs into its own chest pocket. Unisex "
            "sizing; reactivate the water-repellent finish with a warm tumble dry."
        ),
        "price": "159.00",
        "options": {"colour": ["Black", "Red", "Navy"], "size": ["XS", "S", "M", "L", "XL"]},
        "tags": ["rain jacket", "waterproof", "hiking", "packable"],
    },
    {
        "slug": "summit-22l-daypack",
        "name": "Summit 22L Daypack",
        "category": "outdoor-gear",
        "brand": "Ridgeline",
        "description": (
            "A light, 22-liter daypack with a stretch front pocket for a jacket, two side bottle "
            "pockets and a hydration sleeve. The padded straps include a sternum strap with a "
            "whistle buckle. It weighs just 1 lb 4 oz."
        ),
        "price": "79.00",
        "options": {"colour": ["Black", "Teal", "Orange"]},
        "tags": ["backpack", "daypack", "hiking"],
    },
    {
        "slug": "titanium-cook-pot-set",
        "name": "Titanium Cook Pot Set",
        "category": "outdoor-gear",
        "brand": "Ridgeline",
        "description": (
            "A nesting 750 ml pot and lid-frying pan in lightweight titanium with folding handles. "
            "A small fuel canister and stove fit inside the pot. A mesh storage bag is included."
        ),
        "price": "64.00",
        "options": {},
        "tags": ["cookware", "camping", "titanium", "lightweight"],
    },
    {
        "slug": "trailhead-38l-hiking-pack",
        "name": "Trailhead 38L Hiking Pack",
        "category": "outdoor-gear",
        "brand": "Ridgeline",
        "description": (
            "A 38-liter pack for long day hikes and overnights with an adjustable torso, a "
            "ventilated mesh back panel and a padded hip belt with zip pockets. It has a hydration "
            "sleeve and an integrated rain cover."
        ),
        "price": "149.00",
        "options": {"colour": ["Slate", "Rust"], "size": ["S/M", "M/L"]},
        "tags": ["backpack", "hiking", "daypack", "overnight"],
    },
    {
        "slug": "two-person-backpacking-tent",
        "name": "Two-Person Backpacking Tent",
        "category": "outdoor-gear",
        "brand": "Ridgeline",
        "description": (
            "A freestanding three-season tent for two with two doors and two vestibules. It weighs "
            "4 lb 2 oz packed and pitches in minutes with a single color-coded pole hub. The "
            "rainfly is fully seam-taped."
        ),
        "price": "289.00",
        "options": {},
        "tags": ["tent", "backpacking", "camping", "lightweight"],
    },
    {
        "slug": "ultralight-camping-hammock",
        "name": "Ultralight Camping Hammock",
        "category": "outdoor-gear",
        "brand": "Ridgeline",
        "description": (
            "A single hammock in breathable parachute nylon that weighs 14 oz and packs into an "
            "attached stuff sack. Tree-friendly straps with 20 attachment loops are included. It "
            "holds up to 400 lb."
        ),
        "price": "59.00",
        "options": {"colour": ["Forest Green", "Sky Blue"]},
        "tags": ["hammock", "camping", "lightweight"],
    },
    {
        "slug": "waterproof-picnic-blanket",
        "name": "Waterproof Picnic Blanket",
        "category": "outdoor-gear",
        "brand": "Wayfarer Goods",
        "description": (
            "A 60 by 80 inch blanket with a soft fleece top and a waterproof backing for damp "
            "grass and sand. It folds into a carry roll with a padded handle. Machine washable."
        ),
        "price": "44.00",
        "options": {"colour": ["Navy Stripe", "Green Check"]},
        "tags": ["picnic", "blanket", "beach", "waterproof"],
    },
    # sports-fitness
    {
        "slug": "adjustable-dumbbell-set",
        "name": "Adjustable Dumbbell Set",
        "category": "sports-fitness",
        "brand": "Kinetic Form",
        "description": (
            "A pair of dumbbells that each adjust from 5 to 52.5 lb with a turn of the dial, "
            "replacing 15 sets of weights. The moulded trays keep plates secure. Sold as a pair; "
            "stand not included."
        ),
        "price": "349.00",
        "options": {},
        "tags": ["dumbbells", "strength", "home gym"],
    },
    {
        "slug": "cast-iron-kettlebell",
        "name": "Cast Iron Kettlebell",
        "category": "sports-fitness",
        "brand": "Kinetic Form",
        "description": (
            "A single-piece cast iron kettlebell with a smooth powder-coat finish for a secure "
            "grip without chalk. A flat base keeps it steady on the floor, and the weight is cast "
            "into the side in pounds."
        ),
        "price": "39.00",
        "options": {"size": ["15 lb", "20 lb", "25 lb", "35 lb", "45 lb"]},
        "tags": ["kettlebell", "strength", "home gym"],
    },
    {
        "slug": "cork-yoga-blocks-set-of-2",
        "name": "Cork Yoga Blocks Set of 2",
        "category": "sports-fitness",
        "brand": "Kinetic Form",
        "description": (
            "Two firm, sustainably harvested cork blocks with rounded edges that give support in "
            "standing and seated poses. Cork is naturally grippy and antimicrobial. Each block "
            "measures 9 by 6 by 3 inches."
        ),
        "price": "24.00",
        "options": {},
        "tags": ["yoga", "yoga block", "cork"],
    },
    {
        "slug": "cushioned-running-socks-3-pack",
        "name": "Cushioned Running Socks 3-Pack",
        "category": "sports-fitness",
        "brand": "Stride Lab",
        "description": (
            "Three pairs of quarter-length running socks with cushioning under the heel and "
            "forefoot and a mesh top for breathability. Seamless toes prevent blisters. S fits US "
            "shoe sizes 4-6, M 7-9 and L 10-12."
        ),
        "price": "22.00",
        "options": {"colour": ["White", "Black"], "size": ["S", "M", "L"]},
        "tags": ["socks", "running", "multipack"],
    },
    {
        "slug": "doorway-pull-up-bar",
        "name": "Doorway Pull-Up Bar",
        "category": "sports-fitness",
        "brand": "Kinetic Form",
        "description": (
            "A leverage-mounted pull-up bar that fits doorways 24 to 32 inches wide without "
            "screws. Foam grips in three positions let you do wide, neutral and close-grip "
            "pull-ups. Supports up to 300 lb."
        ),
        "price": "39.00",
        "options": {},
        "tags": ["pull-up bar", "strength", "home gym"],
    },
    {
        "slug": "gym-duffel-bag",
        "name": "Gym Duffel Bag",
        "category": "sports-fitness",
        "brand": "Kinetic Form",
        "description": (
            "A 35-liter gym duffel with a ventilated shoe compartment, a water-resistant base and "
            "an internal pocket for valuables. It carries by hand or with the padded shoulder "
            "strap. Wipe clean."
        ),
        "price": "54.00",
        "options": {"colour": ["Black", "Grey"]},
        "tags": ["gym bag", "duffel", "gym"],
    },
    {
        "slug": "high-density-foam-roller",
        "name": "High-Density Foam Roller",
        "category": "sports-fitness",
        "brand": "Kinetic Form",
        "description": (
            "A firm foam roller with a textured grid surface for deep muscle release after runs "
            "and workouts. The hollow core keeps it light and holds its shape. The 36-inch length "
            "is best for back work."
        ),
        "price": "32.00",
        "options": {"length": ["13 in", "18 in", "36 in"]},
        "tags": ["foam roller", "recovery", "mobility"],
    },
    {
        "slug": "hydration-running-vest",
        "name": "Hydration Running Vest",
        "category": "sports-fitness",
        "brand": "Stride Lab",
        "description": (
            "A close-fitting running vest with two 17-oz soft flasks on the chest and 8 liters of "
            "storage for layers and snacks. Adjustable sternum straps stop it bouncing. Hand wash "
            "and air dry."
        ),
        "price": "89.00",
        "options": {"colour": ["Black", "Blue"], "size": ["XS/S", "M/L", "XL"]},
        "tags": ["running", "hydration", "trail", "vest"],
    },
    {
        "slug": "medium-support-sports-bra",
        "name": "Medium-Support Sports Bra",
        "category": "sports-fitness",
        "brand": "Kinetic Form",
        "description": (
            "A medium-support sports bra for gym sessions, cycling and yoga, with a wide "
            "underband, removable pads and a racerback. The fabric is soft, breathable and "
            "sweat-wicking. Machine wash cold."
        ),
        "price": "48.00",
        "options": {"colour": ["Black", "Navy", "Rose"], "size": ["XS", "S", "M", "L", "XL"]},
        "tags": ["sports bra", "activewear", "gym", "yoga"],
    },
    {
        "slug": "mens-lightweight-running-tee",
        "name": "Men's Lightweight Running Tee",
        "category": "sports-fitness",
        "brand": "Stride Lab",
        "description": (
            "A featherweight running tee in a breathable recycled-polyester mesh that wicks sweat "
            "and resists odour. Flatlock seams prevent chafing, and reflective details help you be "
            "seen. Machine wash cold."
        ),
        "price": "36.00",
        "options": {
            "colour": ["Black", "White", "Electric Blue"],
            "size": ["S", "M", "L", "XL", "XXL"],
        },
        "tags": ["running", "t-shirt", "activewear", "reflective"],
    },
    {
        "slug": "mens-training-shorts",
        "name": "Men's Training Shorts",
        "category": "sports-fitness",
        "brand": "Kinetic Form",
        "description": (
            "Lightweight 7-inch training shorts with four-way stretch, a built-in liner and a zip "
            "pocket for keys. The fabric wicks sweat and dries fast. Machine wash cold; skip "
            "fabric softener."
        ),
        "price": "42.00",
        "options": {"colour": ["Black", "Navy", "Grey"], "size": ["S", "M", "L", "XL", "XXL"]},
        "tags": ["shorts", "activewear", "gym", "running"],
    },
    {
        "slug": "non-slip-yoga-mat",
        "name": "Non-Slip Yoga Mat",
        "category": "sports-fitness",
        "brand": "Kinetic Form",
        "description": (
            "A 5 mm yoga mat with a natural rubber base and a polyurethane top that grips even "
            "when sweaty. It is 72 by 26 inches and has alignment lines etched into the surface. "
            "Wipe clean with a damp cloth."
        ),
        "price": "68.00",
        "options": {"colour": ["Slate", "Sage", "Plum", "Black"]},
        "tags": ["yoga", "yoga mat", "non-slip"],
    },
    {
        "slug": "pickleball-paddle-set",
        "name": "Pickleball Paddle Set",
        "category": "sports-fitness",
        "brand": "Kinetic Form",
        "description": (
            "Two fiberglass paddles with a polymer honeycomb core, cushioned grips and four "
            "outdoor balls. The paddles are light and forgiving, a great pick for beginners. Comes "
            "with a carry bag."
        ),
        "price": "79.00",
        "options": {},
        "tags": ["pickleball", "paddle", "racket sports"],
    },
    {
        "slug": "resistance-bands-set",
        "name": "Resistance Bands Set",
        "category": "sports-fitness",
        "brand": "Kinetic Form",
        "description": (
            "Five stackable latex tube bands from 10 to 50 lb with cushioned handles, ankle straps "
            "and a door anchor. Combine bands for up to 150 lb of resistance. Everything fits in "
            "the included carry bag."
        ),
        "price": "29.00",
        "options": {},
        "tags": ["resistance bands", "strength", "travel", "home gym"],
    },
    {
        "slug": "speed-jump-rope",
        "name": "Speed Jump Rope",
        "category": "sports-fitness",
        "brand": "Kinetic Form",
        "description": (
            "A fast, ball-bearing jump rope with a coated steel cable and aluminium handles. The "
            "cable length adjusts with a screw in the handle and suits users up to 6 ft 6 in. A "
            "spare cable is included."
        ),
        "price": "19.00",
        "options": {"colour": ["Black", "Red"]},
        "tags": ["jump rope", "cardio", "conditioning"],
    },
    {
        "slug": "stainless-protein-shaker",
        "name": "Stainless Protein Shaker",
        "category": "sports-fitness",
        "brand": "Kinetic Form",
        "description": (
            "A 24-oz insulated stainless steel shaker with a removable agitator that mixes protein "
            "shakes without clumps. The leakproof lid has a carry loop. Dishwasher safe."
        ),
        "price": "24.00",
        "options": {"colour": ["Black", "White", "Teal"]},
        "tags": ["shaker", "protein", "gym", "stainless steel"],
    },
    {
        "slug": "womens-sculpt-training-leggings",
        "name": "Women's Sculpt Training Leggings",
        "category": "sports-fitness",
        "brand": "Kinetic Form",
        "description": (
            "High-rise, full-length leggings in a smooth, squat-proof fabric with a hidden "
            "waistband pocket for a phone. The sweat-wicking knit dries quickly between sets. "
            "25-inch inseam; machine wash cold."
        ),
        "price": "72.00",
        "options": {
            "colour": ["Black", "Navy", "Plum", "Sage"],
            "size": ["XS", "S", "M", "L", "XL"],
        },
        "tags": ["leggings", "activewear", "squat-proof", "gym"],
    },
    # womens-clothing
    {
        "slug": "cable-knit-cardigan",
        "name": "Cable-Knit Cardigan",
        "category": "womens-clothing",
        "brand": "Alder & Finch",
        "description": (
            "A chunky cardigan with traditional cable panels, horn-effect buttons and patch "
            "pockets, knitted from a wool and recycled-nylon blend. The fit is slightly oversized, "
            "so size down for a closer fit. Hand wash cold and dry flat."
        ),
        "price": "98.00",
        "options": {
            "colour": ["Cream", "Heather Grey", "Forest Green"],
            "size": ["XS", "S", "M", "L", "XL"],
        },
        "tags": ["cardigan", "knitwear", "cozy", "wool"],
    },
    {
        "slug": "classic-cotton-trench-coat",
        "name": "Classic Cotton Trench Coat",
        "category": "womens-clothing",
        "brand": "Alder & Finch",
        "description": (
            "A double-breasted trench in water-resistant cotton gabardine with a storm flap, "
            "belted waist and buckled cuffs. It falls just above the knee and leaves room for a "
            "sweater underneath. Dry clean only."
        ),
        "price": "189.00",
        "options": {"colour": ["Stone", "Navy"], "size": ["XS", "S", "M", "L", "XL"]},
        "tags": ["coat", "trench", "water-resistant", "outerwear"],
    },
    {
        "slug": "cropped-denim-jacket",
        "name": "Cropped Denim Jacket",
        "category": "womens-clothing",
        "brand": "Saltmarsh",
        "description": (
            "A rigid 100% cotton denim jacket with a cropped length, chest flap pockets and metal "
            "shank buttons. It softens and fades naturally with wear. Wash inside out in cold "
            "water to keep the colour."
        ),
        "price": "84.00",
        "options": {"colour": ["Mid Wash", "Black"], "size": ["XS", "S", "M", "L", "XL"]},
        "tags": ["denim", "jacket", "layering"],
    },
    {
        "slug": "cropped-french-terry-hoodie",
        "name": "Cropped French Terry Hoodie",
        "category": "womens-clothing",
        "brand": "Tidewater",
        "description": (
            "A boxy hoodie that ends just above the hip, made from soft loopback French terry "
            "cotton. It has a lined hood without drawcords and a ribbed hem. Machine wash cold; "
            "expect minimal shrinkage as the fabric is pre-washed."
        ),
        "price": "54.00",
        "options": {
            "colour": ["Heather Grey", "Black", "Lavender", "Sage"],
            "size": ["XS", "S", "M", "L", "XL"],
        },
        "tags": ["hoodie", "loungewear", "cotton"],
    },
    {
        "slug": "everyday-organic-cotton-tee",
        "name": "Everyday Organic Cotton Tee",
        "category": "womens-clothing",
        "brand": "Tidewater",
        "description": (
            "A relaxed crewneck tee made from 180 gsm GOTS-certified organic cotton jersey. It is "
            "pre-shrunk, so it keeps its length after washing, and the neckline is taped to stay "
            "flat. Machine wash cold."
        ),
        "price": "26.00",
        "options": {
            "colour": ["White", "Black", "Navy", "Heather Grey", "Sage", "Blush"],
            "size": ["XS", "S", "M", "L", "XL"],
        },
        "tags": ["t-shirt", "organic", "cotton", "basics"],
    },
    {
        "slug": "fine-gauge-merino-sweater",
        "name": "Fine-Gauge Merino Sweater",
        "category": "womens-clothing",
        "brand": "Alder & Finch",
        "description": (
            "A lightweight crewneck knitted from extra-fine 18.5-micron merino wool, so it is soft "
            "enough to wear next to the skin. The fit is true to size with ribbed cuffs and hem. "
            "Machine washable on the wool cycle; dry flat."
        ),
        "price": "89.00",
        "options": {
            "colour": ["Navy", "Oatmeal", "Charcoal", "Burgundy"],
            "size": ["XS", "S", "M", "L", "XL"],
        },
        "tags": ["merino", "wool", "knitwear", "sweater"],
    },
    {
        "slug": "high-rise-straight-jeans",
        "name": "High-Rise Straight Jeans",
        "category": "womens-clothing",
        "brand": "Saltmarsh",
        "description": (
            "Classic five-pocket jeans with a 10.5-inch rise and a straight leg that hits at the "
            "ankle. The denim is 98% cotton and 2% elastane for a little give without bagging out. "
            "Sizes are by waist in inches; inseam is 28 inches."
        ),
        "price": "78.00",
        "options": {
            "colour": ["Indigo", "Light Wash", "Black"],
            "size": ["24", "26", "28", "30", "32", "34"],
        },
        "tags": ["denim", "jeans", "stretch"],
    },
    {
        "slug": "high-waist-ponte-leggings",
        "name": "High-Waist Ponte Leggings",
        "category": "womens-clothing",
        "brand": "Tidewater",
        "description": (
            "Thick, structured ponte knit leggings that look polished enough for the office and "
            "never turn see-through. A wide waistband sits flat under tops, and the 27-inch inseam "
            "ends at the ankle. Machine washable."
        ),
        "price": "48.00",
        "options": {"colour": ["Black", "Navy", "Charcoal"], "size": ["XS", "S", "M", "L", "XL"]},
        "tags": ["leggings", "stretch", "workwear"],
    },
    {
        "slug": "pleated-midi-skirt",
        "name": "Pleated Midi Skirt",
        "category": "womens-clothing",
        "brand": "Saltmarsh",
        "description": (
            "A knife-pleated skirt in a lightweight recycled-polyester satin that swings as you "
            "walk. It has an elastic back waistband and is fully lined. Machine washable on a "
            "delicate cycle; the pleats are permanent."
        ),
        "price": "58.00",
        "options": {
            "colour": ["Black", "Forest Green", "Dusty Rose"],
            "size": ["XS", "S", "M", "L", "XL"],
        },
        "tags": ["skirt", "pleated", "workwear"],
    },
    {
        "slug": "poplin-pajama-set",
        "name": "Poplin Pajama Set",
        "category": "womens-clothing",
        "brand": "Tidewater",
        "description": (
            "A crisp cotton poplin pajama set with a notch-collar button-up top and drawstring "
            "trousers. The fabric is breathable for warm sleepers and gets softer with each wash. "
            "Machine washable; it arrives in a reusable cotton pouch."
        ),
        "price": "62.00",
        "options": {
            "colour": ["Blue Stripe", "White", "Pink Gingham"],
            "size": ["XS", "S", "M", "L", "XL"],
        },
        "tags": ["pajamas", "sleepwear", "cotton", "gift"],
    },
    {
        "slug": "quilted-liner-jacket",
        "name": "Quilted Liner Jacket",
        "category": "womens-clothing",
        "brand": "Alder & Finch",
        "description": (
            "A collarless diamond-quilted jacket filled with recycled polyester insulation that "
            "packs down small. It has snap buttons, two welt pockets and sits at the hip. Wear it "
            "alone in fall or under a coat in winter; machine washable."
        ),
        "price": "128.00",
        "options": {"colour": ["Olive", "Black", "Camel"], "size": ["XS", "S", "M", "L", "XL"]},
        "tags": ["jacket", "quilted", "lightweight", "layering"],
    },
    {
        "slug": "relaxed-linen-shirt",
        "name": "Relaxed Linen Shirt",
        "category": "womens-clothing",
        "brand": "Saltmarsh",
        "description": (
            "A loose, drop-shoulder button-down cut from 100% European linen that softens with "
            "every wash. It has a curved hem that works tucked or untucked and a single chest "
            "pocket. Machine washable on a gentle cycle; tumble dry low or line dry."
        ),
        "price": "64.00",
        "options": {
            "colour": ["White", "Sand", "Sage", "Chambray"],
            "size": ["XS", "S", "M", "L", "XL"],
        },
        "tags": ["linen", "summer", "breathable", "shirt"],
    },
    {
        "slug": "ribbed-cotton-tank-top",
        "name": "Ribbed Cotton Tank Top",
        "category": "womens-clothing",
        "brand": "Tidewater",
        "description": (
            "A close-fitting scoop-neck tank in stretchy rib-knit cotton, long enough to tuck into "
            "high-rise jeans. It is a layering staple under cardigans and shirts. Machine "
            "washable; it keeps its shape after washing."
        ),
        "price": "22.00",
        "options": {
            "colour": ["White", "Black", "Heather Grey", "Olive", "Rose"],
            "size": ["XS", "S", "M", "L", "XL"],
        },
        "tags": ["basics", "cotton", "tank", "layering"],
    },
    {
        "slug": "scoop-back-one-piece-swimsuit",
        "name": "Scoop-Back One-Piece Swimsuit",
        "category": "womens-clothing",
        "brand": "Tidewater",
        "description": (
            "A classic one-piece with a low scoop back, adjustable straps and removable cups. The "
            "recycled-nylon fabric is chlorine resistant and offers UPF 50+ sun protection. Rinse "
            "in cool fresh water after swimming and dry in the shade."
        ),
        "price": "68.00",
        "options": {"colour": ["Black", "Navy", "Coral"], "size": ["XS", "S", "M", "L", "XL"]},
        "tags": ["swimwear", "swimsuit", "beach", "chlorine-resistant"],
    },
    {
        "slug": "seamless-bralette",
        "name": "Seamless Bralette",
        "category": "womens-clothing",
        "brand": "Tidewater",
        "description": (
            "A wire-free, pullover bralette knitted without side seams for a smooth look under "
            "T-shirts. It has removable pads and a soft, wide underband. Machine wash cold in a "
            "laundry bag."
        ),
        "price": "28.00",
        "options": {"colour": ["Black", "Nude", "White"], "size": ["XS", "S", "M", "L", "XL"]},
        "tags": ["underwear", "bralette", "wire-free"],
    },
    {
        "slug": "silk-blend-camisole",
        "name": "Silk-Blend Camisole",
        "category": "womens-clothing",
        "brand": "Saltmarsh",
        "description": (
            "A bias-cut camisole in a silk and viscose satin with a soft sheen and adjustable "
            "spaghetti straps. It drapes easily under blazers or on its own for evenings out. Hand "
            "wash cold and hang to dry."
        ),
        "price": "45.00",
        "options": {"colour": ["Ivory", "Black", "Champagne"], "size": ["XS", "S", "M", "L", "XL"]},
        "tags": ["silk", "camisole", "evening"],
    },
    {
        "slug": "wide-leg-linen-trousers",
        "name": "Wide-Leg Linen Trousers",
        "category": "womens-clothing",
        "brand": "Saltmarsh",
        "description": (
            "High-waisted, wide-leg trousers in midweight linen with a comfortable elastic back "
            "waistband and side pockets. The full-length leg has a 30-inch inseam. Machine wash "
            "gentle and line dry to limit wrinkling."
        ),
        "price": "68.00",
        "options": {"colour": ["Natural", "Black", "Rust"], "size": ["XS", "S", "M", "L", "XL"]},
        "tags": ["linen", "trousers", "summer"],
    },
    {
        "slug": "wrap-midi-dress",
        "name": "Wrap Midi Dress",
        "category": "womens-clothing",
        "brand": "Saltmarsh",
        "description": (
            "A true wrap dress in a fluid viscose crepe with a V-neck, flutter sleeves and an "
            "adjustable tie waist. It falls to mid-calf and is fully opaque, so no slip is needed. "
            "Hand wash cold or dry clean."
        ),
        "price": "72.00",
        "options": {
            "colour": ["Navy Floral", "Terracotta", "Black"],
            "size": ["XS", "S", "M", "L", "XL"],
        },
        "tags": ["dress", "wrap", "occasion"],
    },
]
