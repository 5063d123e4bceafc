"""Harbor Lane's help center: the demo shop's customer-facing help articles.

These articles are the shop's policies as customers read them, and the chatbot quotes them
verbatim, so every figure in them must match the shop's actual rules (shipping rates, return
window, refund timing, support hours). Bodies are plain text: paragraphs are separated by blank
lines, and lists are lines starting with "- ". Harbor Lane is a fictional demo shop.
"""

from typing import TypedDict


class ArticleSpec(TypedDict):
    slug: str
    title: str
    category: str
    body: str


ARTICLES: list[ArticleSpec] = [
    {
        "slug": "shipping-times-and-costs",
        "title": "Shipping times and costs",
        "category": "shipping",
        "body": (
            "All Harbor Lane orders ship from our warehouse in the United States, and all "
            "prices are in US dollars.\n\n"
            "Orders are packed within 1 business day after payment. If you pay before 2 pm "
            "Eastern on a business day, your order usually leaves our warehouse the same day. "
            "Business days are Monday to Friday, excluding US public holidays. The delivery "
            "times below are counted from the day your order ships.\n\n"
            "Shipping options within the US:\n"
            "- Standard (USPS or UPS Ground): 3-5 business days, $5.99. Standard shipping is "
            "free on orders of $75 or more.\n"
            "- Express (UPS 2nd Day Air or FedEx 2Day): 1-2 business days, $14.99.\n\n"
            "Express shipping can't be delivered to PO boxes. If you're shipping to a PO box, "
            "please choose Standard at checkout.\n\n"
            "You'll see the shipping options available for your address, and their prices, at "
            "checkout before you pay. As soon as your order ships, we email you a tracking "
            "number so you can follow your parcel to your door.\n\n"
            'Shipping outside the US? See "International shipping" for delivery times, costs '
            "and information about import duties."
        ),
    },
    {
        "slug": "international-shipping",
        "title": "International shipping",
        "category": "shipping",
        "body": (
            "We ship to more than 40 countries worldwide with DHL Express. Enter your address "
            "at checkout to see whether we deliver to your country.\n\n"
            "International shipping at a glance:\n"
            "- Carrier: DHL Express\n"
            "- Delivery time: 5-10 business days after your order ships\n"
            "- Cost: a flat $19.99 per order\n"
            "- Free international shipping on orders of $150 or more\n\n"
            "Orders are packed within 1 business day after payment, just like US orders, and "
            "ship from our warehouse in the United States. We email you a DHL tracking number "
            "as soon as your parcel is on its way.\n\n"
            "Import duties and taxes\n"
            "Our prices are in US dollars and don't include import duties, taxes or customs "
            "fees. These charges are set by the destination country, not by Harbor Lane, and "
            "are paid by you on delivery. We can't tell you the exact amount in advance; your "
            "local customs office can explain what applies to your order.\n\n"
            "Returns from outside the US\n"
            "You can return an international order within 30 days of delivery, like any other "
            "order. The difference is that you pay the return shipping; prepaid return labels "
            "are only available for US addresses. We recommend using a tracked service, because "
            'we issue refunds once the return arrives at our warehouse. See "Return shipping '
            'costs" for more.'
        ),
    },
    {
        "slug": "tracking-your-order",
        "title": "Tracking your order",
        "category": "shipping",
        "body": (
            "As soon as your order leaves our warehouse, we send you a shipping confirmation "
            "email with your tracking number and a link to the carrier's tracking page.\n\n"
            "Where to find your tracking number\n"
            "- If you have an account: sign in, go to My orders and open the order. The "
            "tracking number and the latest status are shown there.\n"
            "- If you checked out as a guest: check your order status with the email address "
            "you used at checkout and your order number. Order numbers look like SD-100123 "
            "and are in your order confirmation email.\n\n"
            "Tracking can take up to 24 hours to update after you receive the shipping "
            "email, because the carrier only scans a parcel once it has been collected from "
            'us. Seeing "label created" or no information at all during this time is '
            "completely normal.\n\n"
            "Haven't received a shipping email?\n"
            "- Check your spam or promotions folder.\n"
            "- Remember that orders are packed within 1 business day after payment, so an order "
            "placed in the evening or at the weekend may ship on the next business day.\n"
            "- If My orders shows the order as shipped, the tracking number is listed on the "
            "order page even if the email went astray.\n\n"
            'If your parcel is past its estimated delivery date, see "My parcel is late or '
            'missing". If tracking says delivered but you don\'t have it, see "Order marked '
            'delivered but not received".'
        ),
    },
    {
        "slug": "late-or-missing-parcels",
        "title": "My parcel is late or missing",
        "category": "shipping",
        "body": (
            "Most parcels arrive within the estimated delivery window shown on the tracking "
            "page, but carriers occasionally fall behind, especially around holidays and "
            "during bad weather.\n\n"
            "When is a parcel considered late?\n"
            "We consider a parcel late once 5 business days have passed since its estimated "
            "delivery date and it still hasn't arrived. Until then, the best thing to do is "
            "keep an eye on the tracking page. Remember that tracking can take up to 24 hours "
            "to update after each scan, so a parcel that seems stuck is often still moving.\n\n"
            "What we do when a parcel is late\n"
            "Contact us via chat or at support@harborlane.example with your order number (it "
            "looks like SD-100123). We will:\n"
            "- open a trace with the carrier to locate your parcel;\n"
            "- keep you updated on what the carrier finds;\n"
            "- send you a replacement or a full refund if the parcel isn't found within 7 "
            "days of opening the trace.\n\n"
            "Before you get in touch\n"
            "- Check the tracking page for a missed-delivery notice or a message asking you to "
            "collect the parcel.\n"
            "- Make sure the shipping address in your order confirmation email is correct.\n"
            "- For international orders, check whether DHL has asked you to pay import duties "
            "or taxes, which are due on delivery.\n\n"
            "If the tracking page says your parcel was delivered but you can't find it, please "
            'see "Order marked delivered but not received".'
        ),
    },
    {
        "slug": "delivered-but-not-received",
        "title": "Order marked delivered but not received",
        "category": "shipping",
        "body": (
            "It's frustrating when tracking says \"delivered\" and there's no parcel in "
            "sight. Occasionally a carrier scans a parcel as delivered a little before it "
            "actually arrives, or leaves it somewhere unexpected, so please start with a "
            "few quick checks.\n\n"
            "Things to check first\n"
            "- Look around your property: porches, side doors, garages, behind plants, and any "
            "parcel lockers or mailboxes.\n"
            "- Ask neighbours, housemates and your building's front desk or mailroom.\n"
            "- Open the tracking page and look for a delivery photo, a signature or a note "
            "about where the parcel was left.\n"
            "- Check the shipping address in your order confirmation email for typos or a "
            "missing apartment number.\n"
            "- If someone else in your household placed the order or shares the address, "
            "check with them too.\n\n"
            "Still can't find it?\n"
            "Contact us via chat or at support@harborlane.example with your order number (it "
            "looks like SD-100123). Please let us know what you've already checked, as it "
            "helps the carrier's investigation.\n\n"
            "We'll open a trace with the carrier to find out where your parcel was left. If "
            "the carrier can't locate it within 7 days of opening the trace, we'll send you a "
            "replacement or a full refund.\n\n"
            "If your parcel turns up in the meantime, just let us know and we'll close the trace."
        ),
    },
    {
        "slug": "damaged-or-wrong-items",
        "title": "Damaged, defective or wrong items",
        "category": "returns",
        "body": (
            "We're sorry if something arrived in less than perfect condition. If an item is "
            "damaged, defective or not what you ordered, we'll put it right.\n\n"
            "How to report it\n"
            "Contact us within 30 days of delivery via chat or at support@harborlane.example. "
            "Please include:\n"
            "- your order number (it looks like SD-100123);\n"
            "- which item is affected;\n"
            "- a photo of the damage, the defect or the wrong item you received. For a wrong "
            "item, a photo of the label or tag is especially helpful.\n\n"
            "What happens next\n"
            "We'll send you a replacement or a refund. A refund includes the original "
            "shipping charges.\n\n"
            "Do I need to send the item back?\n"
            "- Items under $25: no. You don't need to send them back.\n"
            "- Items of $25 or more: yes. We'll give you a return authorisation (RMA) number, "
            "which looks like RMA-000123, and instructions for sending the item back.\n\n"
            "Problems that appear later\n"
            "For problems you notice more than 30 days after delivery, check whether the "
            "item is covered by a warranty. Electronics, outdoor gear and bags come with "
            'warranties against manufacturing defects; see "Warranty coverage" for the '
            "details.\n\n"
            "Received the right item but changed your mind, or need a different size? That's "
            'a regular return or exchange: see "Our returns policy" and "Exchanging an item".'
        ),
    },
    {
        "slug": "returns-policy",
        "title": "Our returns policy",
        "category": "returns",
        "body": (
            "If something isn't right, you can return most items within 30 days of delivery.\n\n"
            "What can be returned\n"
            "Items must be:\n"
            "- unused and unwashed;\n"
            "- returned with their original tags attached.\n\n"
            "Returns within the US are free: we provide a prepaid return label. If your order "
            "was delivered outside the US, you pay the return shipping.\n\n"
            "What can't be returned\n"
            "These items are final sale:\n"
            "- gift cards;\n"
            "- earrings and other pierced jewellery;\n"
            "- opened beauty products;\n"
            "- underwear and swimwear with a broken hygiene seal;\n"
            '- items marked "Final sale".\n\n'
            "Your refund\n"
            "We issue your refund within 3 business days of your return arriving at our "
            "warehouse. You can choose a refund to your original payment method (your bank "
            "may take 5-10 business days to show it) or a Harbor Lane gift card, which is "
            "available immediately. Original shipping charges are refunded only if the item "
            "was damaged, defective or wrong.\n\n"
            "Prefer a different size or colour?\n"
            "You can exchange an item for a different size or colour of the same product for "
            "free within the same 30-day window, as long as it's in stock.\n\n"
            "Something arrived damaged, defective or wrong? Different rules apply, "
            'including a refund of the original shipping charges: see "Damaged, defective '
            'or wrong items".\n\n'
            'Ready to send something back? See "How to start a return".'
        ),
    },
    {
        "slug": "how-to-start-a-return",
        "title": "How to start a return",
        "category": "returns",
        "body": (
            "You can start a return within 30 days of delivery. Before you begin, check that "
            "your items are unused, unwashed and still have their original tags, and that "
            "they aren't final sale.\n\n"
            "If you have an account\n"
            "- Sign in and go to My orders.\n"
            "- Open the delivered order and choose the items and quantities you want to return.\n"
            "- Tell us the reason for the return and whether you'd like your refund to your "
            "original payment method or as a Harbor Lane gift card.\n"
            "- Submit the request. We'll confirm it with a return authorisation (RMA) number, "
            "which looks like RMA-000123.\n\n"
            "If you checked out as a guest\n"
            "Contact us via chat or at support@harborlane.example with your order number (it "
            "looks like SD-100123) and the email address you ordered with, and we'll start "
            "the return for you. Our chat assistant can also help you start a return at any "
            "time.\n\n"
            "Sending your items back\n"
            "- US orders: use the free prepaid return label we provide.\n"
            "- International orders: you pay for return shipping. We recommend a tracked "
            "service.\n"
            "- Pack items securely and include your RMA number so we can match the parcel to "
            "your order.\n\n"
            "What happens next\n"
            "We issue your refund within 3 business days of your return arriving at our "
            "warehouse. Refunds to a card or PayPal can take 5-10 business days to show up "
            "with your bank; gift card refunds are available immediately.\n\n"
            'Want a different size or colour instead of a refund? See "Exchanging an item".'
        ),
    },
    {
        "slug": "exchanges",
        "title": "Exchanging an item",
        "category": "returns",
        "body": (
            "Need a different size or colour? You can exchange an item for another size or "
            "colour of the same product, free of charge, within 30 days of delivery, the same "
            "window as returns.\n\n"
            "How to exchange\n"
            "- Start an exchange from My orders, or contact us via chat.\n"
            "- Choose the item and the size or colour you'd like instead.\n"
            "- We'll confirm the exchange with a return authorisation (RMA) number, which looks "
            "like RMA-000123.\n"
            "- Send the original item back unused, unwashed and with its original tags. "
            "Within the US, use the free prepaid return label.\n\n"
            "Exchanges depend on stock. If the size or colour you want is sold out, you can "
            "return the item for a refund instead.\n\n"
            "What can't be exchanged\n"
            "Exchanges are only for a different size or colour of the same product. If you'd "
            "like a different product, return the original item for a refund and place a new "
            "order for the one you want. Final-sale items can't be returned, so they can't be "
            "exchanged either.\n\n"
            "Haven't received your order yet?\n"
            "If your order is still pending, you may not need an exchange at all: you can "
            "swap an item for another size or colour of the same product before the order "
            'starts processing. See "Changing an order".\n\n'
            'Not sure which size to pick? Our "Clothing size guide" and "Footwear sizing" '
            "articles can help."
        ),
    },
    {
        "slug": "refunds-and-timing",
        "title": "Refunds and how long they take",
        "category": "returns",
        "body": (
            "Here's what to expect once you've sent a return back to us.\n\n"
            "When we issue your refund\n"
            "We issue your refund within 3 business days of your return arriving at our "
            "warehouse.\n\n"
            "Where your money goes\n"
            "You choose how you'd like to be refunded when you start the return:\n"
            "- Original payment method (card or PayPal): banks take 5-10 business days to show "
            "the refund on your statement after we issue it.\n"
            "- Harbor Lane gift card: available immediately once we issue the refund, and it "
            "never expires.\n\n"
            "What's refunded\n"
            "We refund the price you paid for the returned items. Original shipping charges "
            "are refunded only if the item was damaged, defective or wrong. Domestic returns "
            "use a free prepaid label, so nothing is taken off your refund for return "
            "postage.\n\n"
            "Cancelled orders\n"
            "If you cancel an order you've already paid for, we issue the refund within 3 "
            "business days of the cancellation.\n\n"
            "Still waiting?\n"
            "If it has been more than 10 business days since we issued a refund to your card or "
            "PayPal, first check with your bank or PayPal, as they handle the last step. If they "
            "can't see it, contact us with your order number (for example SD-100123) or your RMA "
            "number (for example RMA-000123) and we'll look into it."
        ),
    },
    {
        "slug": "return-shipping-costs",
        "title": "Return shipping costs",
        "category": "returns",
        "body": (
            "Who pays to send a return back depends on where your order was delivered and why "
            "you're returning it.\n\n"
            "Returns within the US\n"
            "Domestic returns are free. When you start a return, we provide a prepaid return "
            "label. Attach it to your parcel and drop it off with the carrier shown on the "
            "label.\n\n"
            "Returns from outside the US\n"
            "If your order was delivered outside the US, you pay the cost of shipping your "
            "return back to us. We recommend using a tracked service, because we can only "
            "issue your refund once the return arrives at our warehouse. Keep your proof of "
            "postage until your refund is issued.\n\n"
            "Damaged, defective or wrong items\n"
            "If we sent you something damaged, defective or wrong, report it within 30 days "
            "of delivery with a photo. We'll send a replacement or a refund that includes the "
            "original shipping charges. You don't need to send back items under $25; for "
            "items of $25 or more, we'll give you instructions for sending them back.\n\n"
            "What about the shipping I paid when I ordered?\n"
            "Your original shipping charges are refunded only if the item was damaged, "
            "defective or wrong. For other returns, such as a change of mind or the wrong "
            "size, we refund the price of the items but not the original shipping.\n\n"
            "Exchanges\n"
            "Exchanges for a different size or colour of the same product are free. See "
            '"Exchanging an item" for how they work.'
        ),
    },
    {
        "slug": "final-sale-items",
        "title": "Final-sale items",
        "category": "returns",
        "body": (
            "Most items can be returned within 30 days of delivery, but a few can't be "
            "returned for hygiene or practical reasons. These are final sale.\n\n"
            "Final-sale items\n"
            "- Gift cards\n"
            "- Earrings and other pierced jewellery\n"
            "- Opened beauty products\n"
            "- Underwear and swimwear with a broken hygiene seal\n"
            '- Items marked "Final sale"\n\n'
            "Some things to know\n"
            "- Unopened beauty products can be returned like any other item, as long as they're "
            "unused and within 30 days of delivery.\n"
            "- Underwear and swimwear can be returned if the hygiene seal is still intact, and "
            "they're unused, unwashed and have their original tags.\n"
            "- Because final-sale items can't be returned, they can't be exchanged either.\n\n"
            "What if a final-sale item arrives damaged, defective or wrong?\n"
            "Our damaged and wrong item promise still applies. Contact us within 30 days of "
            "delivery with a photo and your order number (it looks like SD-100123), and "
            "we'll send a replacement or a refund including shipping. See \"Damaged, "
            'defective or wrong items" for details.\n\n'
            "If you're unsure whether an item can be returned, ask us via chat before you order."
        ),
    },
    {
        "slug": "payment-methods",
        "title": "Accepted payment methods",
        "category": "payments",
        "body": (
            "We accept the following payment methods:\n"
            "- Visa\n"
            "- Mastercard\n"
            "- American Express\n"
            "- Discover\n"
            "- PayPal\n"
            "- Harbor Lane gift cards\n\n"
            "All prices are in US dollars. If your card is issued outside the US, your bank "
            "handles any currency conversion.\n\n"
            "When you're charged\n"
            "Cards are charged when you place your order, not when it ships. If a payment "
            'doesn\'t go through, your order stays "pending payment" for 48 hours so you '
            "can fix it; after that it's cancelled automatically. See \"Failed or declined "
            'payments" for help.\n\n'
            "Saved cards\n"
            "You can save a card to your account for faster checkout. Your full card details "
            "are stored securely by our payment processor, not by Harbor Lane. We only keep "
            "the card brand and the last 4 digits so you can recognise the card in your "
            "account.\n\n"
            "Gift cards\n"
            "Harbor Lane gift cards can be used at checkout to pay for your order. See "
            '"Harbor Lane gift cards" for more about buying and using them.\n\n'
            "Promo codes\n"
            "Promo codes aren't a payment method; enter them at checkout. You can use one "
            'promo code per order. See "Promo codes and price adjustments".\n\n'
            "Changing your payment method\n"
            "While your order is still pending, before it starts processing, you can change the "
            'payment method from My orders or via chat. See "Changing an order".'
        ),
    },
    {
        "slug": "failed-or-declined-payments",
        "title": "Failed or declined payments",
        "category": "payments",
        "body": (
            "If your payment doesn't go through, don't worry: your order isn't lost.\n\n"
            "What happens to your order\n"
            'When a payment fails, your order is saved with the status "pending payment" '
            "for 48 hours. If the payment isn't completed within that time, the order is "
            "cancelled automatically and nothing is charged.\n\n"
            "Common reasons for a decline\n"
            "- Billing address mismatch: the billing address you entered doesn't match the one "
            "your bank has on file for the card.\n"
            "- Insufficient funds or an exceeded credit limit.\n"
            "- Expired card: check the expiry date on the card.\n"
            "- Bank fraud check: your bank may block a purchase it doesn't recognise, "
            "especially a larger one or one from a new shop.\n\n"
            "How to fix it\n"
            "- Double-check the billing address, card number, expiry date and security code.\n"
            "- Call your bank or check its app. If the payment was blocked by a fraud check, "
            "your bank can approve it, and you can try again.\n"
            "- Try a different payment method: we accept Visa, Mastercard, American Express, "
            "Discover, PayPal and Harbor Lane gift cards.\n\n"
            "While your order is pending payment, you can change its payment method from My "
            "orders or via chat.\n\n"
            "Your bank can always tell you the exact reason for a decline. If you're still having "
            "trouble, contact us with your order number (it looks like SD-100123) and we'll help "
            "you complete your purchase."
        ),
    },
    {
        "slug": "gift-cards",
        "title": "Harbor Lane gift cards",
        "category": "payments",
        "body": (
            "Harbor Lane gift cards make an easy present for anyone who loves a good find.\n\n"
            "About our gift cards\n"
            "- Gift cards are digital and delivered by email.\n"
            "- Choose any value from $10 to $500.\n"
            "- They never expire.\n"
            "- They can't be exchanged for cash.\n"
            "- Gift cards are final sale and can't be returned.\n\n"
            "Using a gift card\n"
            "Choose Harbor Lane gift card as your payment method at checkout.\n\n"
            "Gift card refunds\n"
            "When you return an item, you can choose to be refunded with a Harbor Lane gift "
            "card instead of to your original payment method. Gift card refunds are available "
            "immediately once we issue the refund, whereas refunds to a card or PayPal can "
            "take 5-10 business days to show up with your bank.\n\n"
            "Lost the email?\n"
            "Check your spam or promotions folder first, and make sure the recipient's email "
            "address was entered correctly. If you still can't find it, contact us via chat "
            "or at support@harborlane.example with the order number of the gift card purchase "
            "(it looks like SD-100123) and we'll help you track it down.\n\n"
            "Promo codes and gift cards\n"
            "A gift card is a way to pay, not a discount, so it's separate from promo codes. "
            "Remember that only one promo code can be used per order."
        ),
    },
    {
        "slug": "promotions-and-price-adjustments",
        "title": "Promo codes and price adjustments",
        "category": "payments",
        "body": (
            "We love a good deal as much as you do. Here's how promotions work at Harbor "
            "Lane.\n\n"
            "Promo codes\n"
            "- Enter your promo code at checkout, before you pay.\n"
            "- You can use one promo code per order. Codes can't be combined.\n"
            "- Check the terms of each promotion, such as the end date or which products it "
            "applies to.\n\n"
            "Price adjustments\n"
            "If the price of an item you bought drops within 7 days of your purchase, we'll "
            "refund the difference. Price adjustments aren't automatic, so please ask our "
            "support team via chat or at support@harborlane.example. Include:\n"
            "- your order number (it looks like SD-100123);\n"
            "- the item whose price has dropped.\n\n"
            "Price adjustments apply to the same item you bought, sold by Harbor Lane. After "
            "7 days from your purchase, we can't adjust the price.\n\n"
            "Price matching\n"
            "We don't price match with other stores, even if the same item is sold elsewhere "
            "for less.\n\n"
            "Gift cards\n"
            'Harbor Lane gift cards are a payment method, not a promo code. See "Harbor '
            'Lane gift cards" for details.\n\n'
            "Shipping offers\n"
            "Standard shipping within the US is free on orders of $75 or more, and "
            'international shipping is free on orders of $150 or more. See "Shipping times '
            'and costs" and "International shipping".'
        ),
    },
    {
        "slug": "changing-an-order",
        "title": "Changing an order",
        "category": "orders",
        "body": (
            "Need to change something after placing your order? What you can change depends "
            "on your order's status, which you can see in My orders.\n\n"
            "Pending orders\n"
            "While your order is still pending, before it starts processing, you can:\n"
            "- change the shipping address;\n"
            "- change the payment method;\n"
            "- swap an item for a different size or colour of the same product.\n\n"
            "Make these changes in My orders or ask us via chat. Other changes, such as "
            "adding a different product, can't be made to an existing order; you can place a "
            "new order instead.\n\n"
            "Processing orders\n"
            "Once your order starts processing, our warehouse is already preparing it and "
            "it can no longer be changed. If you need something different, you can still "
            'cancel the order and place a new one. See "Cancelling an order".\n\n'
            "Shipped orders\n"
            "Once your order has shipped, it can't be changed or cancelled. When it "
            "arrives, you can return or exchange items within 30 days of delivery. See "
            '"Our returns policy" and "Exchanging an item".\n\n'
            "Move quickly\n"
            "Orders are packed within 1 business day after payment, and orders paid before 2 "
            "pm Eastern on a business day usually leave the same day, so the window for "
            "changes can be short. If you spot a mistake, such as a wrong address, contact us "
            "as soon as possible.\n\n"
            "When contacting us, please have your order number ready. It looks like SD-100123 and "
            "is in your order confirmation email."
        ),
    },
    {
        "slug": "cancelling-an-order",
        "title": "Cancelling an order",
        "category": "orders",
        "body": (
            "Changed your mind? You can cancel an order as long as it hasn't shipped yet.\n\n"
            "Which orders can be cancelled\n"
            "- Pending orders: yes.\n"
            "- Processing orders: yes. Our warehouse may already be preparing it, so please "
            "cancel as soon as possible.\n"
            "- Shipped orders: no. Once an order has shipped, it can't be cancelled or "
            "changed. When it arrives, you can return it within 30 days of delivery; see "
            '"How to start a return".\n\n'
            "How to cancel\n"
            "- Go to My orders, open the order and choose to cancel it.\n"
            "- Or ask us via chat. Our chat assistant is available 24/7 and can cancel "
            "pending and processing orders for you.\n\n"
            "If you checked out as a guest, contact us via chat with your order number (it "
            "looks like SD-100123) and the email address you used.\n\n"
            "Your refund\n"
            "If you had already paid for the order, we issue a refund within 3 business days "
            "of cancelling it. Refunds to a card or PayPal then take 5-10 business days to "
            "show up with your bank.\n\n"
            "Orders awaiting payment\n"
            'If your payment failed, your order stays "pending payment" for 48 hours and is '
            "then cancelled automatically, so you don't need to do anything if you no "
            "longer want it.\n\n"
            "Just need a small change?\n"
            "If your order is still pending, you may be able to change the shipping address, "
            "the payment method or an item's size or colour instead of cancelling. See "
            '"Changing an order".'
        ),
    },
    {
        "slug": "warranty",
        "title": "Warranty coverage",
        "category": "products",
        "body": (
            "We stand behind what we sell. Some product categories come with a warranty that "
            "protects you against defects.\n\n"
            "What's covered\n"
            "- Electronics: a 1-year limited manufacturer warranty.\n"
            "- Outdoor gear and bags: a 2-year warranty against manufacturing defects.\n\n"
            "What isn't covered\n"
            "Warranties don't cover:\n"
            "- normal wear and tear;\n"
            "- accidental damage;\n"
            "- misuse, such as using a product in a way it isn't designed for.\n\n"
            "How to make a warranty claim\n"
            "Contact us via chat or at support@harborlane.example with:\n"
            "- your order number (it looks like SD-100123);\n"
            "- the product and a short description of the problem;\n"
            "- photos or a short video showing the defect.\n\n"
            "Our team will review your claim and explain the next steps.\n\n"
            "Warranty or damaged item?\n"
            "If a product arrives damaged or defective, or stops working soon after "
            "delivery, report it within 30 days of delivery with a photo. We'll send you a "
            "replacement or a refund including shipping, and you don't need to send back "
            'items under $25. See "Damaged, defective or wrong items". After 30 days, the '
            "warranty applies.\n\n"
            "Other products\n"
            "Clothing, footwear, home and kitchen goods, beauty products and toys don't carry a "
            "separate warranty, but you can still return unused items within 30 days of delivery, "
            "and our damaged or wrong item promise always applies."
        ),
    },
    {
        "slug": "clothing-size-guide",
        "title": "Clothing size guide",
        "category": "products",
        "body": (
            "Getting the right fit the first time saves you a return. Here's how our clothing "
            "sizes work.\n\n"
            "Our sizes\n"
            "- Women's clothing: XS, S, M, L and XL.\n"
            "- Men's clothing: S, M, L, XL and XXL.\n"
            "- Jeans, chinos and shorts are sized by waist measurement in inches, for example a "
            "32 fits a 32-inch waist.\n"
            "- Kids' clothing is sized by age, from 2T to 7.\n\n"
            "How to measure yourself\n"
            "Use a soft measuring tape and measure over light clothing:\n"
            "- Chest or bust: around the fullest part, keeping the tape level under your arms.\n"
            "- Waist: around your natural waist, the narrowest part of your torso.\n"
            "- Hips: around the fullest part of your hips and seat.\n"
            "Compare your measurements with a piece you already own that fits well.\n\n"
            "Reading the product description\n"
            "Many of our descriptions mention the fit: relaxed, regular, slim or oversized, "
            "and whether a style runs true to size. If you're between sizes, choose the "
            "larger size for a relaxed fit or the smaller size for a closer fit. For knitwear "
            "described as oversized, consider sizing down.\n\n"
            "If it doesn't fit\n"
            "You can exchange an item for a different size or colour of the same product "
            "for free within 30 days of delivery, subject to stock. Please keep the item "
            "unused and unwashed, with its original tags, while you try it on. See "
            '"Exchanging an item".\n\n'
            "Still unsure? Chat with us and tell us what you usually wear; we're happy to help."
        ),
    },
    {
        "slug": "footwear-sizing",
        "title": "Footwear sizing",
        "category": "products",
        "body": (
            "All our shoes, boots and sandals use US sizes.\n\n"
            "Our size ranges\n"
            "- Women's footwear: US sizes 5 to 10.\n"
            "- Men's footwear: US sizes 7 to 12.\n\n"
            "We stock whole sizes only. If you're usually a half size, check the product "
            "description: it tells you whether a style runs true to size and which way to go "
            "if you're between sizes. For example, leather styles that stretch with wear "
            "usually suit the smaller size, while hiking boots need room for thicker socks.\n\n"
            "Tips for the best fit\n"
            "- Measure or try on shoes later in the day, when feet are at their largest.\n"
            "- Try them on with the socks you'll usually wear with them.\n"
            "- Your toes should have a little room to move, and your heel shouldn't slip as you "
            "walk.\n"
            "- Sizes can vary between brands, so compare with a pair you already own from the "
            "same brand if you can.\n\n"
            "Trying shoes on at home\n"
            "Try new shoes indoors on a clean, soft surface such as a carpet. Returns and "
            "exchanges are only possible for unused items, so please don't wear them outside "
            "until you're sure they fit. Keep the box and any tags.\n\n"
            "Wrong size?\n"
            "You can exchange shoes for a different size or colour of the same style for free "
            'within 30 days of delivery, subject to stock. See "Exchanging an item".'
        ),
    },
    {
        "slug": "product-care",
        "title": "Caring for your products",
        "category": "products",
        "body": (
            "A little care helps your purchases last for years. Always check the care label "
            "or product description first, as it has the most specific instructions for each "
            "item.\n\n"
            "Clothing and knitwear\n"
            "- Wash similar colours together and turn denim and printed items inside out.\n"
            "- Merino and wool knits: use the wool cycle or hand wash, and dry flat to keep "
            "their shape.\n"
            "- Linen softens with every wash; line dry to limit creasing.\n"
            "- Skip fabric softener on towels and activewear, as it reduces absorbency and "
            "wicking.\n\n"
            "Leather and suede\n"
            "- Wipe leather with a soft, damp cloth and condition it every few months.\n"
            "- Protect suede with a suede protector spray before the first wear, and brush it "
            "when dry.\n"
            "- Let wet shoes dry naturally, away from radiators.\n\n"
            "Outdoor gear\n"
            "- Clean and fully dry tents, sleeping bags and packs before storing them.\n"
            "- Reactivate the water-repellent finish on rain jackets following the care "
            "label.\n\n"
            "Kitchen\n"
            "- Dry cast iron and knives straight after washing.\n"
            "- Use wooden or silicone utensils on nonstick pans.\n"
            "- Oil wooden cutting boards regularly with food-safe mineral oil.\n\n"
            "Electronics\n"
            "Use the supplied cable or a compatible charger, and keep devices away from water "
            "unless they're rated water resistant.\n\n"
            "Wear and tear from everyday use isn't covered by our warranties, so good care "
            "really pays off. If something fails because of a manufacturing defect, see "
            '"Warranty coverage".'
        ),
    },
    {
        "slug": "account-and-password",
        "title": "Your account and password",
        "category": "account",
        "body": (
            "A Harbor Lane account makes it easy to track orders, start returns and check out "
            "faster.\n\n"
            "What you can do with an account\n"
            "- See all your orders, their status and tracking in My orders.\n"
            "- Start returns and exchanges.\n"
            "- Change a pending order's shipping address, payment method, or an item's size or "
            "colour.\n"
            "- Save addresses and cards for faster checkout.\n\n"
            "Forgotten your password?\n"
            '- Select "Forgot password" on the sign-in page.\n'
            "- Enter the email address you use for your account.\n"
            "- We'll email you a password reset link. The link is valid for 1 hour, so use it "
            "straight away.\n"
            "- Choose a new password.\n\n"
            "If the link has expired, simply request a new one. If the email doesn't arrive, "
            "check your spam or promotions folder and make sure you entered the same email "
            "address you signed up with.\n\n"
            "Checking an order without an account\n"
            "You don't need an account to shop. If you checked out as a guest, you can check "
            "your order at any time with the email address you used at checkout and your "
            "order number, which looks like SD-100123.\n\n"
            "Keeping your account secure\n"
            "- Use a password you don't use anywhere else.\n"
            "- Harbor Lane will never ask for your password by email, chat or phone.\n"
            "- Saved cards are stored by our payment processor; we only keep the card brand "
            "and the last 4 digits.\n\n"
            "Need to update your personal details or close your account? Contact our support "
            'team. To request a copy of your data or its deletion, see "Privacy and your data".'
        ),
    },
    {
        "slug": "privacy-and-your-data",
        "title": "Privacy and your data",
        "category": "account",
        "body": (
            "We take your privacy seriously. Here's how we handle your personal information.\n\n"
            "We never sell your data\n"
            "Harbor Lane never sells your personal data to anyone. We use your information to "
            "process and deliver your orders, handle returns and refunds, and help you when "
            "you contact us.\n\n"
            "Your payment details\n"
            "Saved cards are stored securely by our payment processor, not by Harbor Lane. We "
            "only keep the card brand and the last 4 digits so you can recognise your card at "
            "checkout.\n\n"
            "Requesting a copy of your data\n"
            "You can ask for a copy of the personal data we hold about you. Contact our "
            "support team via chat or at support@harborlane.example. We complete data "
            "requests within 30 days.\n\n"
            "Deleting your data\n"
            "You can also ask us to delete your personal data. Send your request the same "
            "way, and we'll complete it within 30 days. Please note that deleting your data "
            "also closes your account, so you'll no longer be able to see your order history.\n\n"
            "Keeping your account safe\n"
            "Harbor Lane will never ask for your password or full card number by email, chat "
            "or phone. If you receive a message like that claiming to be from us, don't "
            "reply, and let us know.\n\n"
            "Questions about privacy? Our support team is happy to help."
        ),
    },
    {
        "slug": "contacting-support",
        "title": "Contacting customer support",
        "category": "account",
        "body": (
            "We're here to help with orders, returns, products and anything else.\n\n"
            "Live chat\n"
            "Our chat assistant is available 24/7. It can help with order status and "
            "tracking, returns and exchanges, cancelling orders that haven't shipped, and "
            "questions about our policies. If you'd rather talk to a person, ask for a human "
            "agent during the hours below.\n\n"
            "Human agents are available:\n"
            "- Monday to Friday: 8 am to 8 pm Eastern\n"
            "- Saturday: 9 am to 5 pm Eastern\n"
            "- Sunday: chat assistant only\n\n"
            "Email\n"
            "Write to support@harborlane.example. We reply within 1 business day.\n\n"
            "Help us help you faster\n"
            "Please have these ready:\n"
            "- your order number, which looks like SD-100123;\n"
            "- your return authorisation (RMA) number if you're asking about a return, which "
            "looks like RMA-000123;\n"
            "- photos, if you're reporting a damaged, defective or wrong item;\n"
            "- the email address you used for your order, if you checked out as a guest.\n\n"
            "Before you get in touch\n"
            'Many answers are in our help center, including "Tracking your order", '
            '"How to start a return", "Refunds and how long they take" and "Changing '
            'an order".\n\n'
            "For your security, we'll never ask for your password or your full card number."
        ),
    },
]
