/*!
 * servicedesk agent desk (/desk/).
 *
 * Speaks the staff websocket /ws/desk/ (docs/desk.md) and calls the JSON endpoints under
 * /desk/api/ for order actions. Vanilla JavaScript, no build step. CSP-friendly: no inline code,
 * no eval, configuration from data- attributes on <body>, and every piece of text from a
 * customer, the assistant or a colleague is set with textContent, never parsed as HTML.
 */
(function () {
  "use strict";

  // ---------------------------------------------------------------------------------------------
  // UI strings, in the agent's language: gettext() and interpolate() come from Django's JavaScript
  // catalogue (/jsi18n/, locale/*/LC_MESSAGES/djangojs.po), loaded by a <script> before this one.
  // Without it the desk still works, in English.
  // ---------------------------------------------------------------------------------------------
  const gettext = typeof window.gettext === "function" ? window.gettext : (s) => s;
  const pgettext = typeof window.pgettext === "function" ? window.pgettext : (c, s) => s;
  const interpolate =
    typeof window.interpolate === "function"
      ? window.interpolate
      : (f, obj, named) =>
          named
            ? f.replace(/%\(\w+\)s/g, (m) => String(obj[m.slice(2, -2)]))
            : f.replace(/%s/g, () => String(obj.shift()));

  const T = {
    title: gettext("Desk"),
    connOnline: gettext("Connected"),
    connConnecting: gettext("Connecting…"),
    connReconnecting: gettext("Reconnecting…"),
    connDenied: gettext("No access to the desk"),
    guest: gettext("Guest"),
    verified: gettext("Verified"),
    notVerified: gettext("Not verified"),
    roles: {
      customer: gettext("Customer"),
      bot: gettext("Assistant"),
      agent: gettext("Agent"),
      system: gettext("System"),
      note: gettext("Internal note"),
    },
    status: {
      bot: gettext("With the assistant"),
      queued: gettext("Waiting"),
      agent: gettext("With an agent"),
      resolved: gettext("Resolved"),
    },
    // An agent's presence as the transfer menu shows it ("Sam · online").
    presence: {
      online: pgettext("agent presence", "online"),
      away: pgettext("agent presence", "away"),
      offline: pgettext("agent presence", "offline"),
    },
    reasons: {
      requested: gettext("Asked for a human"),
      complaint: gettext("Complaint"),
      angry: gettext("Upset customer"),
      legal: gettext("Legal"),
      chargeback: gettext("Chargeback"),
      safety: gettext("Safety"),
      not_sure: gettext("Assistant unsure"),
      failed: gettext("Assistant failed"),
      repeated: gettext("Repeated contact"),
      offline: gettext("Offline message"),
    },
    now: gettext("just now"),
    min: gettext("%(n)s min"),
    hour: gettext("%(h)s h %(m)s min"),
    hours: gettext("%(h)s h"),
    priority: gettext("Priority %(n)s"),
    assignedTo: gettext("· with %(name)s"),
    assignedMe: gettext("· with you"),
    newHandoff: gettext("New chat: %(name)s · %(reason)s"),
    typingCustomer: gettext("%(name)s is typing…"),
    typingBot: gettext("The assistant is writing…"),
    typingAgent: gettext("%(name)s is typing…"),
    summary: gettext("Handoff summary"),
    otherChats: gettext("+%(n)s open chat(s)"),
    setAway: gettext("You're set to away: a chat waited too long for an answer. Pick Online to take chats again."),
    sumWho: gettext("Who"),
    sumSaid: gettext("In their words"),
    sumDeadline: gettext("Needed by"),
    sumThreats: gettext("Warned of"),
    sumHide: gettext("Hide"),
    sumShow: gettext("Show"),
    // What a customer threatened, as the summary names it.
    threats: {
      chargeback: gettext("a chargeback with their bank"),
      legal: gettext("legal action"),
      review: gettext("a bad public review"),
      regulator: gettext("a complaint to a consumer body"),
      leave: gettext("leaving the shop"),
    },
    // The requests the assistant recognised.
    intents: {
      order_status: gettext("Where an order is"),
      track_shipment: gettext("Tracking a parcel"),
      cancel_order: gettext("Cancel an order"),
      change_order: gettext("Change an order"),
      return_refund: gettext("A return or refund"),
      payment_issue: gettext("A payment problem"),
      shipping_info: gettext("Shipping question"),
      product_question: gettext("Product question"),
      product_recommendation: gettext("Product advice"),
      place_order: gettext("Buy something"),
      account: gettext("Their account"),
      complaint: gettext("A complaint"),
    },
    // What the assistant did.
    did: {
      order_lookup: gettext("Looked up orders"),
      tracking: gettext("Gave tracking"),
      return_status: gettext("Checked a return"),
      catalog: gettext("Searched products"),
      recommend: gettext("Suggested products"),
      product_lookup: gettext("Looked up a product"),
      help_center: gettext("Answered from the help center"),
      "help_center:none": gettext("Found no help article"),
      late_parcel: gettext("Flagged a late parcel"),
      "execute:cancel": gettext("Cancelled an order"),
      "execute:swap": gettext("Changed an item"),
      "execute:quantity": gettext("Changed a quantity"),
      "execute:address": gettext("Changed an address"),
      "execute:payment": gettext("Changed a payment method"),
      "execute:return": gettext("Opened a return"),
      "execute:default_address": gettext("Changed the saved address"),
      "execute:place_order": gettext("Placed an order"),
    },
    sumWants: gettext("Wants"),
    sumOrders: gettext("Orders in question"),
    sumBotDid: gettext("What the assistant did"),
    sumWhy: gettext("Why it handed over"),
    sumLanguage: gettext("Language"),
    none: "—",
    sending: gettext("Sending…"),
    notSent: gettext("Not sent"),
    noteSaved: gettext("Internal note · only the team sees this"),
    composeReply: gettext("Write a reply…"),
    composeNote: gettext("Write an internal note (the customer never sees it)…"),
    sendReply: gettext("Send"),
    sendNote: gettext("Add note"),
    cannotWrite: gettext("Claim this chat to reply."),
    closed: gettext("This chat is resolved."),
    orders: gettext("Orders"),
    noOrders: gettext("No orders."),
    customerSince: gettext("Customer since %(d)s"),
    cancel: gettext("Cancel order"),
    cancelConfirm: gettext("Cancel order %(n)s? The customer is refunded what they paid and told in the chat."),
    cancelReasonLabel: gettext("Reason (for the team: kept in the audit trail)"),
    cancelSubmit: gettext("Cancel the order"),
    changeAddress: gettext("Change address"),
    startReturn: gettext("Start a return"),
    save: gettext("Save"),
    close: gettext("Close"),
    addressFields: [
      ["full_name", gettext("Full name")],
      ["line1", gettext("Address line 1")],
      ["line2", gettext("Address line 2")],
      ["city", gettext("City")],
      ["region", gettext("State / region")],
      ["postal_code", gettext("Postal code")],
      ["country", gettext("Country (2 letters)")],
    ],
    returnReason: gettext("Reason"),
    returnItems: gettext("Items to return"),
    returnReasons: [
      ["too_small", pgettext("return reason", "Too small")],
      ["too_large", pgettext("return reason", "Too large")],
      ["not_as_described", pgettext("return reason", "Not as described")],
      ["damaged", pgettext("return reason", "Arrived damaged or defective")],
      ["wrong_item", pgettext("return reason", "Wrong item sent")],
      ["changed_mind", pgettext("return reason", "Changed my mind")],
      ["other", pgettext("return reason", "Other")],
    ],
    done: gettext("Done."),
    failed: gettext("That didn't work: %(why)s"),
    network: pgettext("why a request failed", "network"),
    noAgents: gettext("No other agent"),
    errors: {
      already_claimed: gettext("Someone else claimed this chat a moment ago."),
      not_allowed: gettext("You can't do that with this chat."),
      forbidden: gettext("You can't do that with this chat."),
      capacity: gettext("You're at your chat limit. Resolve or transfer one first."),
      not_found: gettext("That chat no longer exists."),
    },
    cannedPick: gettext("Canned responses…"),
    noSuggestion: gettext("The assistant has no suggestion for this one."),
    day: gettext("%(d)s d"),
    ticketOpen: gettext("Waiting for an answer"),
    ticketAnswered: gettext("Answered"),
    ticketReceived: gettext("Received %(when)s · %(age)s ago"),
    ticketReceivedNow: gettext("Received %(when)s · just now"),
    ticketAnsweredBy: "%(name)s · %(when)s",
    ticketBy: gettext("Answered by %(name)s"),
    ticketNew: gettext("New message from %(email)s"),
    ticketEmpty: gettext("Write an answer first."),
    ticketSent: gettext("Sent to %(email)s."),
    ticketSide: gettext("Left a message while nobody was at the desk. There is no chat to continue: the answer goes by email."),
    ticketErrors: {
      already_answered: gettext("Someone has already answered this message."),
      not_found: gettext("This message no longer exists."),
    },
  };

  const body = document.body;
  const WS_PATH = body.getAttribute("data-ws-path") || "/ws/desk/";
  const API = (body.getAttribute("data-api") || "/desk/api/").replace(/\/?$/, "/");
  const SHOP = body.getAttribute("data-shop-name") || "";
  const MY_USERNAME = body.getAttribute("data-user") || "";
  const MY_NAME = body.getAttribute("data-user-name") || MY_USERNAME;
  const BACKOFF_MAX = 30000;
  const TYPING_EVERY = 3000; // resend typing-on this often while the agent types
  const TYPING_IDLE = 4000; // typing-off after this long without a key

  // ---------------------------------------------------------------------------------------------
  // Helpers
  // ---------------------------------------------------------------------------------------------
  function el(tag, cls, props) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (props) {
      for (const k in props) {
        if (!Object.prototype.hasOwnProperty.call(props, k)) continue;
        const v = props[k];
        if (v === null || v === undefined || v === false) continue;
        if (k === "text") node.textContent = v;
        else node.setAttribute(k, v === true ? "" : String(v));
      }
    }
    return node;
  }
  const $ = (sel, root) => (root || document).querySelector(sel);
  const str = (v) => (typeof v === "string" ? v : v === null || v === undefined ? "" : String(v));
  // Named placeholders, as in Django: fmt(gettext("%(n)s min"), { n: 3 }).
  const fmt = (s, vars) => interpolate(String(s), vars || {}, true);
  function uuid() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") return window.crypto.randomUUID();
    return "c-" + Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 10);
  }
  function since(iso) {
    const t = Date.parse(iso || "");
    if (isNaN(t)) return "";
    const s = Math.max(0, (Date.now() - t) / 1000);
    if (s < 60) return T.now;
    const m = Math.floor(s / 60);
    if (m < 60) return fmt(T.min, { n: m });
    return fmt(T.hour, { h: Math.floor(m / 60), m: m % 60 });
  }
  function clock(iso) {
    const d = new Date(iso || "");
    if (isNaN(d.getTime())) return "";
    return d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  }
  const reasonLabel = (r) => T.reasons[r] || str(r).replace(/_/g, " ") || T.reasons.requested;
  // A person as the server describes them: {name}, {first_name, last_name}, or a plain string.
  function personName(p, fallback) {
    if (!p) return fallback || "";
    if (typeof p === "string") return p;
    const full = [p.first_name, p.last_name].filter(Boolean).join(" ");
    return str(p.name || p.full_name || full || p.username || p.email) || fallback || "";
  }
  function personId(p) {
    if (p === null || p === undefined) return null;
    if (typeof p !== "object") return p;
    return p.id !== undefined ? p.id : p.username !== undefined ? p.username : null;
  }
  const convId = (c) => (c ? str(c.conversation || c.id || c.pk || c.uuid) : "");

  // ---------------------------------------------------------------------------------------------
  // State
  // ---------------------------------------------------------------------------------------------
  const S = {
    me: { username: MY_USERNAME, name: MY_NAME, id: null, supervisor: false },
    presence: "offline",
    summaryHidden: (() => {
      try {
        return !!window.localStorage.getItem("desk.summaryHidden");
      } catch (e) {
        return false;
      }
    })(),
    queue: [],
    mine: [],
    active: [], // supervisors: every chat an agent has now
    agents: [],
    canned: [],
    open: null, // the conversation shown in the middle
    convs: new Map(), // id -> conversation detail (transcript, summary, customer)
    unseen: new Set(), // new handoffs the agent hasn't looked at: the title badge
    fresh: new Set(), // queue rows to highlight
    note: false,
    tickets: [], // messages left offline: the open ones, then the last few answered
    ticketsOpen: 0,
    ticket: null, // the ticket shown in the middle (its id), when no conversation is
  };

  // ---------------------------------------------------------------------------------------------
  // DOM handles
  // ---------------------------------------------------------------------------------------------
  const dom = {
    conn: $(".desk-conn"),
    connText: $(".desk-conn-text"),
    presence: Array.from(document.querySelectorAll("[data-presence]")),
    queue: $('[data-testid="desk-queue"]'),
    queueCount: $('[data-testid="desk-queue-count"]'),
    queueEmpty: $(".desk-queue-empty"),
    mine: $('[data-testid="desk-mine"]'),
    mineCount: $('[data-testid="desk-mine-count"]'),
    mineEmpty: $(".desk-mine-empty"),
    activeSection: $(".desk-active-section"),
    active: $('[data-testid="desk-active"]'),
    activeCount: $('[data-testid="desk-active-count"]'),
    placeholder: $(".desk-placeholder"),
    conversation: $(".desk-conversation"),
    title: $('[data-testid="desk-chat-title"]'),
    status: $('[data-testid="desk-chat-status"]'),
    assigned: $(".desk-chat-assigned"),
    claim: $('[data-testid="desk-claim"]'),
    transfer: $(".desk-transfer"),
    transferAgent: $('[data-testid="desk-transfer-agent"]'),
    transferBtn: $('[data-testid="desk-transfer"]'),
    handBack: $('[data-testid="desk-hand-back"]'),
    resolve: $('[data-testid="desk-resolve"]'),
    summary: $('[data-testid="desk-summary"]'),
    transcript: $('[data-testid="desk-transcript"]'),
    transcriptWrap: $(".desk-transcript-wrap"),
    typing: $('[data-testid="desk-typing"]'),
    composer: $('[data-testid="desk-composer"]'),
    canned: $('[data-testid="desk-canned"]'),
    suggest: $('[data-testid="desk-suggest"]'),
    noteToggle: $('[data-testid="desk-note-toggle"]'),
    noteHint: $(".desk-note-hint"),
    input: $('[data-testid="desk-input"]'),
    send: $('[data-testid="desk-send"]'),
    composerNote: $(".desk-composer-note"),
    customer: $('[data-testid="desk-customer"]'),
    toast: $('[data-testid="desk-toast"]'),
    toastText: $(".desk-toast-text"),
    toastOpen: $(".desk-toast-open"),
    toastClose: $(".desk-toast-close"),
    tickets: $('[data-testid="desk-tickets"]'),
    ticketsCount: $('[data-testid="desk-tickets-count"]'),
    ticketsEmpty: $(".desk-tickets-empty"),
    answered: $('[data-testid="desk-answered"]'),
    answeredList: $('[data-testid="desk-answered-list"]'),
    ticket: $('[data-testid="desk-ticket"]'),
    ticketEmail: $('[data-testid="desk-ticket-email"]'),
    ticketStatus: $('[data-testid="desk-ticket-status"]'),
    ticketWhen: $('[data-testid="desk-ticket-when"]'),
    ticketText: $('[data-testid="desk-ticket-text"]'),
    ticketAnswer: $('[data-testid="desk-ticket-answer"]'),
    ticketAnsweredBy: $('[data-testid="desk-ticket-answered-by"]'),
    ticketAnswerText: $('[data-testid="desk-ticket-answer-text"]'),
    ticketForm: $('[data-testid="desk-ticket-form"]'),
    ticketTo: $(".desk-ticket-to"),
    ticketInput: $('[data-testid="desk-ticket-input"]'),
    ticketSend: $('[data-testid="desk-ticket-send"]'),
    ticketResult: $('[data-testid="desk-ticket-result"]'),
  };
  const customerEmpty = dom.customer.firstElementChild; // put back when a ticket closes

  // ---------------------------------------------------------------------------------------------
  // Notifications: title badge, a short WebAudio chime, a highlighted row and a toast
  // ---------------------------------------------------------------------------------------------
  let audio = null;
  function audioContext() {
    const AC = window.AudioContext || window.webkitAudioContext;
    if (!AC) return null;
    if (!audio) {
      try {
        audio = new AC();
      } catch (e) {
        return null;
      }
    }
    return audio;
  }
  // Browsers start an AudioContext suspended until the page gets a gesture: unlock on the first.
  function unlockAudio() {
    const ctx = audioContext();
    if (ctx && ctx.state === "suspended") ctx.resume().catch(() => {});
  }
  document.addEventListener("pointerdown", unlockAudio, { once: true, capture: true });
  document.addEventListener("keydown", unlockAudio, { once: true, capture: true });

  // Two soft sine notes, 0.35 s in all: generated, so there is no audio file to load.
  function chime() {
    const ctx = audioContext();
    if (!ctx) return;
    if (ctx.state === "suspended") ctx.resume().catch(() => {});
    const t0 = ctx.currentTime + 0.01;
    [
      [880, 0],
      [1320, 0.12],
    ].forEach(([freq, at]) => {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = "sine";
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.0001, t0 + at);
      gain.gain.exponentialRampToValueAtTime(0.18, t0 + at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, t0 + at + 0.22);
      osc.connect(gain).connect(ctx.destination);
      osc.start(t0 + at);
      osc.stop(t0 + at + 0.25);
    });
    body.setAttribute("data-chimed", String(Number(body.getAttribute("data-chimed") || "0") + 1));
  }

  function renderTitle() {
    const n = S.unseen.size;
    document.title = n ? "(" + n + ") " + T.title : T.title;
  }

  let toastFor = null;
  let toastTimer = null;
  function toast(id, text) {
    toastFor = id;
    dom.toastText.textContent = text;
    dom.toastOpen.hidden = !id;
    dom.toast.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => (dom.toast.hidden = true), 8000);
  }
  dom.toastClose.addEventListener("click", () => (dom.toast.hidden = true));
  dom.toastOpen.addEventListener("click", () => {
    dom.toast.hidden = true;
    if (toastFor) openConversation(toastFor);
  });

  // "New chat: Alice Martin · Complaint"; the queue frame with her name may come just after.
  let toastReason = "";
  function handoffText(id) {
    const item = S.queue.find((q) => convId(q) === id);
    const name = personName(item && item.customer, "") || str(item && item.customer_name) || T.guest;
    return fmt(T.newHandoff, { name: name, reason: reasonLabel(toastReason || (item && item.reason)) });
  }

  function onNotify(f) {
    const id = convId(f);
    if (!id) return;
    S.unseen.add(id);
    S.fresh.add(id);
    toastReason = str(f.reason);
    toast(id, handoffText(id));
    chime();
    renderTitle();
    renderLists();
    setTimeout(() => {
      S.fresh.delete(id);
      renderLists();
    }, 6000);
  }
  function markSeen(id) {
    if (S.unseen.delete(id)) renderTitle();
  }

  // ---------------------------------------------------------------------------------------------
  // The websocket
  // ---------------------------------------------------------------------------------------------
  let ws = null;
  let attempts = 0;
  let reconnectTimer = null;
  let denied = false;

  function setConn(state, text) {
    dom.conn.setAttribute("data-state", state);
    dom.connText.textContent = text;
  }

  function connect() {
    clearTimeout(reconnectTimer);
    const url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + WS_PATH;
    let sock;
    try {
      sock = new WebSocket(url);
    } catch (e) {
      scheduleReconnect();
      return;
    }
    ws = sock;
    setConn(attempts ? "reconnecting" : "connecting", attempts ? T.connReconnecting : T.connConnecting);
    sock.onmessage = (ev) => {
      if (ws !== sock || typeof ev.data !== "string") return;
      let f;
      try {
        f = JSON.parse(ev.data);
      } catch (e) {
        return;
      }
      if (f && typeof f === "object") onFrame(f);
    };
    sock.onclose = (ev) => {
      if (ws !== sock) return;
      ws = null;
      // 4003 / 4403: not signed in as desk staff; reconnecting won't help.
      if (ev.code === 4003 || ev.code === 4403 || ev.code === 4001) {
        denied = true;
        setConn("error", T.connDenied);
        return;
      }
      scheduleReconnect();
    };
  }
  function scheduleReconnect() {
    if (denied) return;
    const delay = Math.min(BACKOFF_MAX, 1000 * Math.pow(2, attempts)) * (0.8 + Math.random() * 0.4);
    attempts += 1;
    setConn("reconnecting", T.connReconnecting);
    reconnectTimer = setTimeout(connect, delay);
  }
  function send(frame) {
    if (!ws || ws.readyState !== 1) return false;
    ws.send(JSON.stringify(frame));
    return true;
  }
  window.addEventListener("online", () => {
    if (!ws && !denied) connect();
  });

  // ---------------------------------------------------------------------------------------------
  // Frames
  // ---------------------------------------------------------------------------------------------
  function onFrame(f) {
    switch (f.type) {
      case "hello":
        onHello(f);
        break;
      case "queue":
        S.queue = listOf(f.queue !== undefined ? f.queue : f.items);
        for (const id of Array.from(S.unseen)) if (!S.queue.some((q) => convId(q) === id)) S.unseen.delete(id);
        if (!dom.toast.hidden && toastFor && S.unseen.has(toastFor)) dom.toastText.textContent = handoffText(toastFor);
        renderTitle();
        renderLists();
        break;
      case "mine":
        S.mine = listOf(f.mine !== undefined ? f.mine : f.items);
        renderLists();
        break;
      case "presence":
        if (f.presence || f.state) setPresence(f.presence || f.state);
        if (f.reason === "reply_timeout") toast("", T.setAway);
        break;
      case "canned_changed": {
        // Someone added or edited a canned response: the open chat's list (filled for it), or
        // the raw list.
        const id = S.open;
        api("canned/" + (id ? "?conversation=" + encodeURIComponent(id) : "")).then((r) => {
          if (r.ok && r.data && Array.isArray(r.data.canned) && S.open === id) setCanned(r.data.canned);
        });
        break;
      }
      case "requeued": {
        // The reply timeout put chats we never answered back in the queue: say so.
        const n = Array.isArray(f.conversations) ? f.conversations.length : 0;
        if (n) toast("", fmt(gettext("Back in the queue: %(n)s chat(s) you didn't answer within %(m)s min."), { n: n, m: Number(f.minutes) || 0 }));
        break;
      }
      case "agents":
        S.agents = listOf(f.agents);
        renderActions();
        break;
      case "conversation":
        // {conversation: {id, status, agent, customer brief...}, messages, summary, notes,
        //  customer: the sidebar (null for an unverified guest), canned}
        if (f.conversation && typeof f.conversation === "object") {
          onConversation(
            Object.assign({}, f.conversation, {
              messages: f.messages,
              notes: f.notes,
              summary: f.summary,
              sidebar: f.customer !== undefined ? f.customer : f.sidebar,
              canned: f.canned,
              suggested_reply: f.suggested_reply,
            })
          );
        } else onConversation(f);
        break;
      case "active":
        S.active = listOf(f.active);
        renderLists();
        break;
      case "notify":
        onNotify(f);
        break;
      case "message":
      case "end":
        onMessage(f);
        break;
      case "delta":
        onDelta(f);
        break;
      case "typing":
        onTyping(f);
        break;
      case "status":
        onStatus(f);
        break;
      case "note":
        onMessage({ conversation: f.conversation, message: Object.assign({ note: true }, f.note || f.message || f) });
        break;
      case "error":
        onError(f);
        break;
      case "ack":
        onAck(f);
        break;
      case "suggestion":
        onSuggestion(f);
        break;
      case "ticket":
        onTicketFrame(f);
        break;
      case "pong":
        break;
      default:
        if (window.console) console.debug("[desk] unhandled frame", f.type);
    }
  }
  const listOf = (v) => (Array.isArray(v) ? v.filter((x) => x && typeof x === "object") : []);

  function onHello(f) {
    attempts = 0;
    setConn("online", T.connOnline);
    const me = f.me && typeof f.me === "object" ? f.me : {};
    S.me = {
      id: me.id !== undefined ? me.id : null,
      username: str(me.username || MY_USERNAME),
      name: personName(me, MY_NAME),
      first_name: str(me.first_name || personName(me, MY_NAME).split(" ")[0]),
      supervisor: !!(me.supervisor || me.is_supervisor || me.role === "supervisor"),
    };
    body.setAttribute("data-role", S.me.supervisor ? "supervisor" : "agent");
    S.queue = listOf(f.queue);
    S.mine = listOf(f.mine);
    S.active = listOf(f.active);
    if (Array.isArray(f.agents)) S.agents = listOf(f.agents);
    if (Array.isArray(f.canned)) setCanned(f.canned);
    setPresence(f.presence || me.presence || "online");
    renderLists();
    renderTitle();
    if (S.open) send({ type: "open", conversation: S.open }); // after a reconnect
    loadTickets(); // frames missed while disconnected
  }

  // Our reply is stored with this seq (its `message` event may come before or after).
  function onAck(f) {
    const conv = forOpen(f);
    if (!conv || !f.client_id) return;
    const mine = conv.messages.find((m) => m.client_id === f.client_id);
    if (!mine) return;
    if (typeof f.seq === "number" && conv.messages.some((m) => m !== mine && m.seq === f.seq)) {
      conv.messages.splice(conv.messages.indexOf(mine), 1); // the stored copy is here already
    } else {
      mine._pending = false;
      if (typeof f.seq === "number") mine.seq = f.seq;
      sortMessages(conv);
    }
    if (conv.id === S.open) renderTranscript(conv);
  }

  // What the assistant would answer: into the composer, for the agent to edit before sending.
  function onSuggestion(f) {
    dom.suggest.disabled = false;
    const conv = forOpen(f);
    if (!conv || conv.id !== S.open || typeof f.text !== "string") return;
    conv.suggested = f.text;
    if (!f.text.trim()) {
      toast(null, T.noSuggestion);
      return;
    }
    dom.input.value = f.text;
    dom.input.focus();
    dom.input.setSelectionRange(f.text.length, f.text.length);
  }

  function onError(f) {
    const code = str(f.code);
    const text = T.errors[code] || str(f.message) || code;
    dom.suggest.disabled = false;
    // A reply that was refused stays in the transcript, marked as not sent.
    const conv = forOpen(f);
    if (conv) {
      for (const m of conv.messages.concat(conv.pending)) {
        if (m._pending) {
          m._pending = false;
          m._failed = true;
        }
      }
      if (conv.id === S.open) renderTranscript(conv);
    }
    toast(null, text);
    if (code === "already_claimed" && S.open) send({ type: "open", conversation: S.open });
  }

  // ---------------------------------------------------------------------------------------------
  // Presence
  // ---------------------------------------------------------------------------------------------
  function setPresence(p) {
    if (p !== "online" && p !== "away" && p !== "offline") return;
    S.presence = p;
    body.setAttribute("data-presence", p);
    for (const b of dom.presence) b.setAttribute("aria-pressed", String(b.getAttribute("data-presence") === p));
  }
  for (const b of dom.presence) {
    b.addEventListener("click", () => {
      const p = b.getAttribute("data-presence");
      setPresence(p);
      send({ type: "presence", state: p });
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Queue and my chats
  // ---------------------------------------------------------------------------------------------
  function itemRow(item, kind) {
    const id = convId(item);
    const li = el("li", "desk-item", {
      "data-conversation": id,
      "data-testid": "desk-" + kind + "-item",
    });
    const btn = el("button", "desk-item-button", { type: "button" });
    if (id === S.open) {
      li.classList.add("is-open");
      btn.setAttribute("aria-current", "true");
    }
    if (S.fresh.has(id)) li.classList.add("is-new");
    if (S.unseen.has(id)) li.classList.add("is-unseen");
    const top = el("span", "desk-item-top");
    const name = personName(item.customer, "") || str(item.customer_name || item.name) || T.guest;
    top.appendChild(el("span", "desk-item-name", { text: name }));
    const prio = Number(item.priority || 0);
    if (prio > 0) {
      top.appendChild(el("span", "desk-prio desk-prio--" + Math.min(prio, 3), { text: "P" + prio, title: fmt(T.priority, { n: prio }) }));
    }
    const others = Number(item.other_open || 0);
    if (others > 0) {
      // The same customer in another tab or chat: one customer, not two strangers.
      top.appendChild(el("span", "desk-tag desk-item-others", { text: fmt(T.otherChats, { n: others }), "data-testid": "desk-item-others" }));
    }
    btn.appendChild(top);
    const meta = el("span", "desk-item-meta");
    if (kind === "queue") {
      meta.appendChild(el("span", "desk-item-reason", { text: reasonLabel(item.reason || item.handoff_reason) }));
      const at = item.queued_at || item.waiting_since || item.created_at;
      const waited = typeof item.wait_s === "number" ? item.wait_s : null;
      const w = el("span", "desk-item-wait", { "data-since": str(at) });
      w.textContent = waited !== null && !at ? fmt(T.min, { n: Math.round(waited / 60) }) : since(at);
      meta.appendChild(w);
    } else {
      const st = str(item.status);
      const chip = kind === "active" && item.agent ? personName(item.agent, "") : T.status[st] || st;
      meta.appendChild(el("span", "desk-status-chip desk-status-chip--" + st, { text: chip }));
      const last = item.last_message && typeof item.last_message === "object" ? item.last_message.text : item.last_message || item.preview;
      if (last) meta.appendChild(el("span", "desk-item-preview", { text: str(last).slice(0, 80) }));
    }
    btn.appendChild(meta);
    btn.addEventListener("click", () => openConversation(id));
    li.appendChild(btn);
    return li;
  }

  function renderLists() {
    dom.queue.textContent = "";
    for (const item of S.queue) dom.queue.appendChild(itemRow(item, "queue"));
    dom.queueCount.textContent = String(S.queue.length);
    dom.queueEmpty.hidden = S.queue.length > 0;
    dom.mine.textContent = "";
    for (const item of S.mine) dom.mine.appendChild(itemRow(item, "mine"));
    dom.mineCount.textContent = String(S.mine.length);
    dom.mineEmpty.hidden = S.mine.length > 0;
    // Supervisors also see every chat an agent has, to open, reassign or take over.
    const others = S.active.filter((c) => !S.mine.some((m) => convId(m) === convId(c)));
    dom.activeSection.hidden = !S.me.supervisor;
    dom.active.textContent = "";
    for (const item of others) dom.active.appendChild(itemRow(item, "active"));
    dom.activeCount.textContent = String(others.length);
  }
  // Wait times tick on their own.
  setInterval(() => {
    for (const w of document.querySelectorAll(".desk-item-wait[data-since]")) {
      const at = w.getAttribute("data-since");
      if (at) w.textContent = since(at);
    }
    for (const w of document.querySelectorAll(".desk-item-age[data-since]")) {
      const at = w.getAttribute("data-since");
      if (at) w.textContent = age(at);
    }
  }, 15000);

  // ---------------------------------------------------------------------------------------------
  // One conversation
  // ---------------------------------------------------------------------------------------------
  function openConversation(id) {
    if (!id) return;
    closeTicket();
    if (S.open && S.open !== id) {
      stopTyping();
      const prev = S.open;
      if (!S.mine.some((m) => convId(m) === prev)) send({ type: "close", conversation: prev });
    }
    S.open = id;
    if (S.note) {
      // The notes box is ticked for one chat, never carried to the next.
      S.note = false;
      dom.noteToggle.checked = false;
    }
    markSeen(id);
    if (toastFor === id) dom.toast.hidden = true;
    S.fresh.delete(id);
    renderLists();
    dom.placeholder.hidden = true;
    dom.conversation.hidden = false;
    const c = S.convs.get(id);
    if (c) renderConversation();
    else {
      dom.title.textContent = "…";
      dom.transcript.textContent = "";
      dom.summary.textContent = "";
    }
    send({ type: "open", conversation: id });
  }

  function normMessage(raw) {
    const m = raw && typeof raw === "object" ? raw : {};
    const note = !!(m.note || m.internal || m.is_note || m.role === "note" || m.kind === "note" || (m.metadata && m.metadata.note));
    return {
      seq: typeof m.seq === "number" ? m.seq : null,
      id: m.id !== undefined ? m.id : null,
      role: note ? "note" : ["customer", "bot", "agent", "system"].indexOf(m.role) !== -1 ? m.role : "bot",
      text: str(m.text),
      state: m.state === "streaming" || m.state === "failed" ? m.state : "final",
      attempt: m.attempt || null,
      created_at: str(m.created_at),
      client_id: str(m.client_id),
      author: personName(m.author || m.agent || m.agent_name || m.user, ""),
    };
  }

  function onConversation(c) {
    const id = convId(c);
    if (!id) return;
    const prev = S.convs.get(id);
    const conv = {
      id: id,
      status: str(c.status || (prev && prev.status) || "queued"),
      customer: c.customer !== undefined ? c.customer : prev ? prev.customer : null,
      assigned: c.assigned_agent !== undefined ? c.assigned_agent : c.assigned !== undefined ? c.assigned : c.agent,
      reason: str(c.handoff_reason || c.reason),
      priority: c.priority,
      summary: c.summary || null,
      sidebar: c.sidebar || c.customer_sidebar || null,
      suggested: str(c.suggested_reply || (c.summary && c.summary.suggested_reply)),
      language: str(c.language),
      messages: [],
      typing: null,
      pending: prev ? prev.pending : [],
    };
    const list = Array.isArray(c.messages) ? c.messages : Array.isArray(c.transcript) ? c.transcript : [];
    for (const m of list) conv.messages.push(normMessage(m));
    const notes = Array.isArray(c.notes) ? c.notes : [];
    for (const n of notes) conv.messages.push(normMessage(Object.assign({ note: true }, n)));
    sortMessages(conv);
    if (Array.isArray(c.canned)) setCanned(c.canned);
    if (Array.isArray(c.agents)) S.agents = listOf(c.agents);
    S.convs.set(id, conv);
    if (id === S.open) renderConversation();
  }

  function sortMessages(conv) {
    conv.messages.sort((a, b) => {
      const ta = Date.parse(a.created_at) || 0;
      const tb = Date.parse(b.created_at) || 0;
      if (a.seq !== null && b.seq !== null) return a.seq - b.seq;
      return ta - tb;
    });
  }

  const forOpen = (f) => {
    const id = str(f.conversation) || S.open;
    return id ? S.convs.get(id) || null : null;
  };

  function onMessage(f) {
    const conv = forOpen(f);
    if (!conv) return;
    const m = normMessage(f.message || {});
    if (m.role === "note") {
      // A note's echo replaces its pending copy.
      const i = conv.pending.findIndex((p) => p.text === m.text);
      if (i !== -1) conv.pending.splice(i, 1);
    }
    let held =
      (m.seq !== null && conv.messages.find((x) => x.seq === m.seq && x.role !== "note")) ||
      (m.role === "note" && m.id !== null && conv.messages.find((x) => x.role === "note" && x.id === m.id)) ||
      (m.client_id && conv.messages.find((x) => x.client_id === m.client_id));
    if (!held && (m.role === "agent" || m.role === "note")) {
      // Our own reply or note coming back: replace the pending bubble.
      held = conv.messages.find((x) => x._pending && x.role === m.role && x.text === m.text);
    }
    if (held) {
      const keep = held.text;
      Object.assign(held, m, { _pending: false, _failed: false });
      if (f.type !== "end" && held.state === "streaming" && keep.length > m.text.length) held.text = keep;
    } else {
      conv.messages.push(m);
      sortMessages(conv);
    }
    if (m.role === "customer" || m.role === "bot") conv.typing = null;
    if (conv.id === S.open) {
      renderTranscript(conv);
      renderTyping(conv);
    }
  }

  function onDelta(f) {
    const conv = forOpen(f);
    if (!conv || typeof f.seq !== "number") return;
    let m = conv.messages.find((x) => x.seq === f.seq && x.role !== "note");
    if (!m) {
      m = normMessage({ seq: f.seq, role: "bot", text: "", state: "streaming", attempt: f.attempt });
      conv.messages.push(m);
      sortMessages(conv);
    }
    if (m.state !== "streaming") return;
    if (m.attempt !== f.attempt) {
      m.attempt = f.attempt;
      m.text = "";
    }
    const have = Array.from(m.text).length;
    const offset = typeof f.offset === "number" ? f.offset : have;
    if (offset === have) m.text += str(f.text);
    else if (offset < have) m.text += Array.from(str(f.text)).slice(have - offset).join("");
    conv.typing = null;
    if (conv.id === S.open) {
      renderTranscript(conv);
      renderTyping(conv);
    }
  }

  function onTyping(f) {
    const conv = forOpen(f);
    if (!conv) return;
    const who = str(f.role || f.who || (f.from === "customer" ? "customer" : "") || (conv.status === "bot" ? "bot" : "customer"));
    if (who === "agent" && (str(f.agent) === str(S.me.id) || str(f.name) === S.me.name)) return; // our own
    conv.typing = f.on ? { who: who, name: str(f.name) } : null;
    if (conv.id === S.open) renderTyping(conv);
  }

  function onStatus(f) {
    const conv = forOpen(f);
    if (!conv) return;
    if (f.status) conv.status = str(f.status);
    if (f.assigned_agent !== undefined) conv.assigned = f.assigned_agent;
    else if (f.agent !== undefined) conv.assigned = f.agent;
    if (conv.id === S.open) renderConversation();
  }

  // ---------------------------------------------------------------------------------------------
  // Rendering the open conversation
  // ---------------------------------------------------------------------------------------------
  function isMine(conv) {
    const a = conv.assigned;
    if (!a) return false;
    if (typeof a !== "object") return str(a) === str(S.me.id) || str(a) === S.me.username;
    if (a.is_me !== undefined) return !!a.is_me;
    if (a.id !== undefined && S.me.id !== null) return str(a.id) === str(S.me.id);
    return str(a.username) === S.me.username;
  }
  function canWrite(conv) {
    return conv.status === "agent" && isMine(conv);
  }

  // The sidebar is the verified customer ({name, email, phone, orders}), or {customer, orders}.
  function sidebarCustomer(conv) {
    const sb = conv.sidebar;
    if (!sb || typeof sb !== "object") return null;
    if (sb.customer && typeof sb.customer === "object") return sb.customer;
    return sb.name || sb.email ? sb : null;
  }
  function customerName(conv) {
    return personName(conv.customer, "") || personName(sidebarCustomer(conv), "") || T.guest;
  }

  function renderConversation() {
    const conv = S.convs.get(S.open);
    if (!conv) return;
    dom.title.textContent = customerName(conv);
    dom.status.textContent = T.status[conv.status] || conv.status;
    dom.status.className = "desk-status-chip desk-status-chip--" + conv.status;
    const assignedName = conv.assigned ? personName(conv.assigned, "") : "";
    dom.assigned.textContent = conv.status === "agent" && conv.assigned ? (isMine(conv) ? T.assignedMe : fmt(T.assignedTo, { name: assignedName })) : "";
    dom.conversation.setAttribute("data-status", conv.status);
    renderActions();
    renderSummary(conv);
    renderTranscript(conv);
    renderTyping(conv);
    renderComposer(conv);
    renderSidebar(conv);
  }

  function renderActions() {
    const conv = S.open && S.convs.get(S.open);
    if (!conv) return;
    const st = conv.status;
    const mineOrBoss = isMine(conv) || S.me.supervisor;
    dom.claim.hidden = st !== "queued";
    dom.transfer.hidden = !(st === "agent" && mineOrBoss) && !(st === "queued" && S.me.supervisor);
    dom.handBack.hidden = !((st === "agent" && mineOrBoss) || st === "queued");
    dom.resolve.hidden = !((st === "agent" && mineOrBoss) || st === "queued");
    // The agent picker: everyone but the current assignee.
    const current = dom.transferAgent.value;
    dom.transferAgent.textContent = "";
    const others = S.agents.filter((a) => {
      const id = str(personId(a));
      if (id && (id === str(S.me.id) || id === S.me.username || a.is_me)) return false;
      return !(conv.assigned && id === str(personId(conv.assigned)));
    });
    for (const a of others) {
      const presence = str(a.presence);
      const label = personName(a, "?") + (presence ? " · " + (T.presence[presence] || presence) : "");
      dom.transferAgent.appendChild(el("option", "", { value: str(personId(a)), text: label }));
    }
    if (!others.length) dom.transferAgent.appendChild(el("option", "", { value: "", text: T.noAgents }));
    if (current) dom.transferAgent.value = current;
    dom.transferBtn.disabled = !others.length;
  }

  function summaryRow(dl, label, value, testid) {
    if (value === null || value === undefined || value === "" || (Array.isArray(value) && !value.length)) return;
    dl.appendChild(el("dt", "", { text: label }));
    const dd = el("dd", "", testid ? { "data-testid": testid } : null);
    if (Array.isArray(value)) {
      const ul = el("ul", "desk-summary-list");
      for (const v of value) ul.appendChild(el("li", "desk-tag", { text: typeof v === "object" ? summaryText(v) : str(v) }));
      dd.appendChild(ul);
    } else if (value instanceof Node) {
      dd.appendChild(value);
    } else {
      dd.textContent = str(value);
    }
    dl.appendChild(dd);
  }
  function summaryText(v) {
    if (!v || typeof v !== "object") return str(v);
    if (v.number) return [v.number, v.status_display || v.status, v.total].filter(Boolean).join(" · ");
    return str(v.text || v.label || v.description || v.name || v.title || JSON.stringify(v));
  }

  function renderSummary(conv) {
    const s = conv.summary && typeof conv.summary === "object" ? conv.summary : {};
    dom.summary.textContent = "";
    const head = el("div", "desk-summary-head");
    head.appendChild(el("h2", "desk-summary-title", { text: T.summary }));
    const reason = str(s.reason || s.handoff_reason || conv.reason);
    if (reason) head.appendChild(el("span", "desk-reason-chip", { text: reasonLabel(reason), "data-reason": reason }));
    const prio = Number(conv.priority || s.priority || 0);
    if (prio > 0) head.appendChild(el("span", "desk-prio desk-prio--" + Math.min(prio, 3), { text: fmt(T.priority, { n: prio }) }));
    dom.summary.appendChild(head);
    const dl = el("dl", "desk-summary-grid");
    // Who, and whether the assistant verified them.
    const who = el("span", "desk-who");
    const whoPerson = s.who || s.customer || conv.customer;
    who.appendChild(el("span", "", { text: personName(whoPerson, "") || str(s.who_text) || customerName(conv) }));
    const email = whoPerson && typeof whoPerson === "object" ? str(whoPerson.email) : "";
    if (email) who.appendChild(el("span", "desk-muted", { text: " · " + email }));
    const verified = s.verified !== undefined ? !!s.verified : !!(whoPerson && typeof whoPerson === "object" && whoPerson.verified);
    who.appendChild(el("span", "desk-badge " + (verified ? "desk-badge--ok" : "desk-badge--warn"), { text: verified ? T.verified : T.notVerified, "data-testid": "desk-verified" }));
    summaryRow(dl, T.sumWho, who);
    // Codes the desk knows, in the agent's language; an unknown or internal one is left out.
    const texts = (v) => (Array.isArray(v) ? v.filter((x) => typeof x === "string" && x) : []);
    const known = (codes, table) => texts(codes).map((c) => table[c] || "").filter(Boolean);
    summaryRow(dl, T.sumWants, known(s.wants, T.intents), "desk-summary-wants");
    summaryRow(dl, T.sumDeadline, texts(s.deadline), "desk-summary-deadline");
    summaryRow(dl, T.sumThreats, known(s.threats, T.threats), "desk-summary-threats");
    summaryRow(dl, T.sumOrders, s.orders || s.orders_discussed, "desk-summary-orders");
    summaryRow(dl, T.sumBotDid, known(s.bot_did, T.did), "desk-summary-bot");
    summaryRow(dl, T.sumWhy, s.why || s.reason_text || s.handoff_text || (reason ? reasonLabel(reason) : ""), "desk-summary-why");
    if (conv.language && conv.language !== "en") summaryRow(dl, T.sumLanguage, conv.language);
    const said = texts(s.said);
    const bodyEl = el("div", "desk-summary-body", { id: "desk-summary-body" });
    if (said.length) {
      const q = el("div", "desk-summary-said", { "data-testid": "desk-summary-said" });
      q.appendChild(el("div", "desk-summary-said-label", { text: T.sumSaid }));
      for (const line of said) q.appendChild(el("blockquote", "desk-quote", { text: line }));
      bodyEl.appendChild(q);
    }
    bodyEl.appendChild(dl);
    bodyEl.hidden = S.summaryHidden;
    const toggle = el("button", "desk-btn desk-btn--small desk-summary-toggle", {
      type: "button",
      text: S.summaryHidden ? T.sumShow : T.sumHide,
      "aria-expanded": String(!S.summaryHidden),
      "aria-controls": "desk-summary-body",
      "data-testid": "desk-summary-toggle",
    });
    toggle.addEventListener("click", () => {
      // One choice for every chat, kept across reloads.
      S.summaryHidden = !S.summaryHidden;
      try {
        window.localStorage.setItem("desk.summaryHidden", S.summaryHidden ? "1" : "");
      } catch (e) {
        /* private mode: the choice lasts for this page */
      }
      renderSummary(conv);
    });
    head.appendChild(toggle);
    dom.summary.appendChild(bodyEl);
  }

  function renderTranscript(conv) {
    const stick = dom.transcriptWrap.scrollHeight - dom.transcriptWrap.scrollTop - dom.transcriptWrap.clientHeight < 60;
    dom.transcript.textContent = "";
    for (const m of conv.messages.concat(conv.pending)) {
      const role = m.role;
      const li = el("li", "desk-msg desk-msg--" + role, {
        "data-testid": "desk-message",
        "data-role": role,
        "data-state": m._pending ? "sending" : m._failed ? "failed" : m.state,
      });
      if (m.seq !== null) li.setAttribute("data-seq", String(m.seq));
      const head = el("div", "desk-msg-head");
      let who = T.roles[role] || role;
      if ((role === "agent" || role === "note") && m.author) who = m.author;
      if (role === "customer") who = customerName(conv);
      head.appendChild(el("span", "desk-msg-who", { text: who }));
      const t = clock(m.created_at);
      if (t) head.appendChild(el("time", "desk-msg-time", { text: t, datetime: m.created_at }));
      li.appendChild(head);
      li.appendChild(el("div", "desk-msg-text", { text: m.text || (m.state === "streaming" ? "…" : "") }));
      if (role === "note") li.appendChild(el("div", "desk-msg-foot", { text: T.noteSaved }));
      else if (m._pending) li.appendChild(el("div", "desk-msg-foot", { text: T.sending }));
      else if (m._failed) li.appendChild(el("div", "desk-msg-foot desk-msg-foot--bad", { text: T.notSent }));
      dom.transcript.appendChild(li);
    }
    if (stick) dom.transcriptWrap.scrollTop = dom.transcriptWrap.scrollHeight;
  }

  function renderTyping(conv) {
    const t = conv.typing;
    let text = "";
    if (t) {
      if (t.who === "bot") text = T.typingBot;
      else if (t.who === "agent") text = fmt(T.typingAgent, { name: t.name || T.roles.agent });
      else text = fmt(T.typingCustomer, { name: customerName(conv) });
    }
    dom.typing.hidden = !text;
    dom.typing.setAttribute("data-who", t ? t.who : "");
    dom.typing.textContent = text;
  }

  function renderComposer(conv) {
    const write = canWrite(conv);
    // A note can always be added while the chat is open; a reply needs the chat to be yours.
    if (!write && !S.note && conv.status !== "resolved") {
      dom.composerNote.textContent = T.cannotWrite;
    } else if (conv.status === "resolved" && !S.note) {
      dom.composerNote.textContent = T.closed;
    } else dom.composerNote.textContent = "";
    dom.composerNote.hidden = !dom.composerNote.textContent;
    const enabled = S.note || write;
    dom.input.disabled = !enabled;
    dom.send.disabled = !enabled;
    dom.input.placeholder = S.note ? T.composeNote : T.composeReply;
    dom.send.textContent = S.note ? T.sendNote : T.sendReply;
    dom.composer.classList.toggle("is-note", S.note);
    dom.noteHint.hidden = !S.note;
    dom.suggest.hidden = !(write && !S.note);
    dom.canned.disabled = !enabled;
  }

  // ---------------------------------------------------------------------------------------------
  // Customer sidebar and order actions
  // ---------------------------------------------------------------------------------------------
  function renderSidebar(conv) {
    const root = dom.customer;
    root.textContent = "";
    const sb = conv.sidebar && typeof conv.sidebar === "object" ? conv.sidebar : {};
    const cust = sidebarCustomer(conv) || conv.customer;
    const card = el("section", "desk-card desk-cust");
    card.appendChild(el("h2", "desk-card-title", { text: personName(cust, "") || T.guest }));
    if (cust && typeof cust === "object") {
      if (cust.email) card.appendChild(el("p", "desk-muted", { text: str(cust.email) }));
      if (cust.phone) card.appendChild(el("p", "desk-muted", { text: str(cust.phone) }));
      if (cust.since || cust.created_at) {
        const d = new Date(cust.since || cust.created_at);
        if (!isNaN(d.getTime())) card.appendChild(el("p", "desk-muted", { text: fmt(T.customerSince, { d: d.toLocaleDateString() }) }));
      }
    }
    root.appendChild(card);
    const orders = listOf(sb.orders || (cust && cust.orders));
    const sec = el("section", "desk-card desk-orders");
    sec.appendChild(el("h2", "desk-card-title", { text: T.orders }));
    if (!orders.length) sec.appendChild(el("p", "desk-muted", { text: T.noOrders }));
    const ul = el("ul", "desk-order-list");
    for (const o of orders) ul.appendChild(orderCard(conv, o));
    sec.appendChild(ul);
    root.appendChild(sec);
  }

  function orderCard(conv, o) {
    const number = str(o.number);
    const li = el("li", "desk-order", { "data-testid": "desk-order", "data-order": number });
    const top = el("div", "desk-order-top");
    top.appendChild(el("span", "desk-order-number", { text: number }));
    top.appendChild(el("span", "desk-order-status desk-order-status--" + str(o.status), { text: str(o.status_label || o.status_display || o.status) }));
    li.appendChild(top);
    const total = o.grand_total !== undefined ? money(o.grand_total, o.currency) : str(o.total_display || o.total);
    const placed = o.placed_at || o.created_at ? new Date(o.placed_at || o.created_at).toLocaleDateString() : "";
    const meta = [total, placed].filter(Boolean).join(" · ");
    if (meta) li.appendChild(el("p", "desk-muted", { text: meta }));
    const items = listOf(o.items || o.lines);
    if (items.length) {
      const il = el("ul", "desk-order-items");
      for (const it of items) il.appendChild(el("li", "", { text: itemLabel(it) }));
      li.appendChild(il);
    }
    if (o.tracking_number || o.tracking) li.appendChild(el("p", "desk-muted", { text: [o.carrier, o.tracking_number || o.tracking].filter(Boolean).join(" ") }));
    // What the order's status allows (orders.services has the last word and says why not).
    const can = o.can || o.actions || null;
    const byStatus = {
      cancel: o.status === "pending" || o.status === "processing",
      change_address: o.status === "pending",
      return: o.status === "delivered",
    };
    const flag = (k) => (can ? (Array.isArray(can) ? can.indexOf(k) !== -1 : !!can[k]) : o["can_" + k] !== undefined ? !!o["can_" + k] : !!byStatus[k]);
    const acts = el("div", "desk-order-actions");
    const result = el("p", "desk-order-result", { role: "status", hidden: true });
    const panel = el("div", "desk-order-panel", { hidden: true });
    if (flag("cancel")) {
      const b = el("button", "desk-btn desk-btn--small desk-btn--danger", { type: "button", text: T.cancel, "data-testid": "desk-order-cancel" });
      b.addEventListener("click", () => togglePanel(panel, () => cancelForm(conv, number, panel, result)));
      acts.appendChild(b);
    }
    if (flag("change_address") || flag("modify") || flag("change")) {
      const b = el("button", "desk-btn desk-btn--small", { type: "button", text: T.changeAddress, "data-testid": "desk-order-address" });
      b.addEventListener("click", () => togglePanel(panel, () => addressForm(conv, o, panel, result)));
      acts.appendChild(b);
    }
    if (flag("return")) {
      const b = el("button", "desk-btn desk-btn--small", { type: "button", text: T.startReturn, "data-testid": "desk-order-return" });
      b.addEventListener("click", () => togglePanel(panel, () => returnForm(conv, o, panel, result)));
      acts.appendChild(b);
    }
    if (acts.firstChild) li.appendChild(acts);
    li.appendChild(panel);
    li.appendChild(result);
    return li;
  }

  function money(amount, currency) {
    const n = Number(amount);
    if (isNaN(n)) return str(amount);
    try {
      return n.toLocaleString(undefined, { style: "currency", currency: str(currency) || "USD" });
    } catch (e) {
      return str(amount) + " " + str(currency);
    }
  }
  function itemLabel(it) {
    const name = str(it.name || it.product_name || it.sku);
    const variant = str(it.variant_label);
    return (it.quantity ? it.quantity + " × " : "") + name + (variant ? " (" + variant + ")" : "");
  }

  function togglePanel(panel, build) {
    if (!panel.hidden) {
      panel.hidden = true;
      panel.textContent = "";
      return;
    }
    panel.textContent = "";
    build();
    panel.hidden = false;
    const first = panel.querySelector("input, select, textarea");
    if (first) first.focus();
  }

  function field(form, name, label, value, tag) {
    const id = "desk-f-" + Math.random().toString(36).slice(2, 8);
    form.appendChild(el("label", "desk-field-label", { for: id, text: label }));
    const input = el(tag || "input", "desk-field", { id: id, name: name });
    if (value !== undefined && value !== null) input.value = str(value);
    form.appendChild(input);
    return input;
  }

  // Cancelling asks for the reason (kept on the order) and says the customer will be told.
  function cancelForm(conv, number, panel, result) {
    const form = el("form", "desk-mini-form", { novalidate: true, "data-testid": "desk-cancel-form" });
    form.appendChild(el("p", "desk-muted", { text: fmt(T.cancelConfirm, { n: number }) }));
    const reason = field(form, "reason", T.cancelReasonLabel, "");
    reason.required = true;
    reason.setAttribute("data-testid", "desk-cancel-reason");
    const row = el("div", "desk-mini-actions");
    row.appendChild(el("button", "desk-btn desk-btn--small desk-btn--danger", { type: "submit", text: T.cancelSubmit, "data-testid": "desk-cancel-submit" }));
    form.appendChild(row);
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const why = reason.value.trim();
      if (!why) {
        reason.setAttribute("aria-invalid", "true");
        reason.focus();
        return;
      }
      orderAction(conv, number, "cancel", { reason: why }, result);
    });
    panel.appendChild(form);
  }

  function addressForm(conv, o, panel, result) {
    const form = el("form", "desk-mini-form", { novalidate: true });
    const addr = o.shipping_address && typeof o.shipping_address === "object" ? o.shipping_address : {};
    for (const [k, label] of T.addressFields) field(form, k, label, addr[k]);
    const row = el("div", "desk-mini-actions");
    row.appendChild(el("button", "desk-btn desk-btn--small desk-btn--primary", { type: "submit", text: T.save }));
    form.appendChild(row);
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const address = {};
      for (const [k] of T.addressFields) address[k] = form.elements[k].value.trim();
      orderAction(conv, str(o.number), "address", { address: address }, result);
    });
    panel.appendChild(form);
  }

  function returnForm(conv, o, panel, result) {
    const form = el("form", "desk-mini-form", { novalidate: true });
    const items = listOf(o.items || o.lines);
    if (items.length) {
      form.appendChild(el("p", "desk-field-label", { text: T.returnItems }));
      for (const it of items) {
        const lab = el("label", "desk-check");
        const box = el("input", "", { type: "checkbox", name: "item", value: str(it.id), checked: true, "data-quantity": str(it.returnable_quantity || it.quantity || 1) });
        lab.appendChild(box);
        lab.appendChild(document.createTextNode(" " + itemLabel(it)));
        form.appendChild(lab);
      }
    }
    const id = "desk-f-" + Math.random().toString(36).slice(2, 8);
    form.appendChild(el("label", "desk-field-label", { for: id, text: T.returnReason }));
    const sel = el("select", "desk-field", { id: id, name: "reason" });
    for (const [v, label] of T.returnReasons) sel.appendChild(el("option", "", { value: v, text: label }));
    form.appendChild(sel);
    const row = el("div", "desk-mini-actions");
    row.appendChild(el("button", "desk-btn desk-btn--small desk-btn--primary", { type: "submit", text: T.startReturn }));
    form.appendChild(row);
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const lines = [];
      for (const box of form.querySelectorAll('input[name="item"]')) {
        if (box.checked) lines.push({ order_item_id: Number(box.value), quantity: Number(box.getAttribute("data-quantity")) || 1 });
      }
      orderAction(conv, str(o.number), "return", { lines: lines, reason: sel.value }, result);
    });
    panel.appendChild(form);
  }

  function csrfToken() {
    const fromPage = body.getAttribute("data-csrf");
    if (fromPage) return fromPage;
    const m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }

  function api(path, payload) {
    return fetch(API + path, {
      method: payload === undefined ? "GET" : "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken() },
      body: payload === undefined ? undefined : JSON.stringify(payload),
    }).then((res) =>
      res.json().then(
        (data) => ({ ok: res.ok, status: res.status, data: data }),
        () => ({ ok: res.ok, status: res.status, data: null })
      )
    );
  }

  // POST /desk/api/conversations/<id>/orders/<number>/<action>/: the server acts as the agent,
  // for this conversation's verified customer only.
  function orderAction(conv, number, action, payload, result) {
    result.hidden = false;
    result.className = "desk-order-result";
    result.textContent = "…";
    api("conversations/" + encodeURIComponent(conv.id) + "/orders/" + encodeURIComponent(number) + "/" + action + "/", payload)
      .then((r) => {
        if (!r.ok) {
          const why = (r.data && (r.data.message || r.data.detail || r.data.error)) || "HTTP " + r.status;
          result.className = "desk-order-result desk-order-result--bad";
          result.textContent = fmt(T.failed, { why: str(why) });
          return;
        }
        result.className = "desk-order-result desk-order-result--ok";
        result.textContent = str((r.data && r.data.message) || T.done);
        if (r.data && r.data.sidebar) {
          conv.sidebar = r.data.sidebar;
          renderSidebar(conv);
        }
        // Fresh summary and canned responses: `{order_number}` now means this order.
        send({ type: "open", conversation: conv.id });
      })
      .catch((e) => {
        result.className = "desk-order-result desk-order-result--bad";
        result.textContent = fmt(T.failed, { why: e && e.message ? e.message : T.network });
      });
  }

  // ---------------------------------------------------------------------------------------------
  // Composer: canned responses, suggested reply, notes, typing
  // ---------------------------------------------------------------------------------------------
  function setCanned(list) {
    S.canned = listOf(list).filter((c) => typeof c.text === "string" || typeof c.body === "string");
    dom.canned.textContent = "";
    dom.canned.appendChild(el("option", "", { value: "", text: T.cannedPick }));
    S.canned.forEach((c, i) => {
      dom.canned.appendChild(el("option", "", { value: String(i), text: str(c.title || c.name || c.shortcut || (c.text || c.body).slice(0, 40)) }));
    });
    dom.canned.hidden = !S.canned.length;
  }
  // {customer_name}, {{ first_name }}, {agent_name}, {order_number}, {shop_name}...
  function fillPlaceholders(text, conv) {
    const cust = sidebarCustomer(conv) || conv.customer || {};
    const fullName = personName(cust, "");
    const first = str(cust.first_name) || fullName.split(" ")[0] || "there";
    const orders = listOf((conv.sidebar && conv.sidebar.orders) || []);
    const s = conv.summary || {};
    const discussed = Array.isArray(s.orders) && s.orders.length ? s.orders[s.orders.length - 1] : null;
    const order = discussed ? (typeof discussed === "object" ? str(discussed.number) : str(discussed)) : orders.length ? str(orders[0].number) : "";
    const values = {
      customer_name: first,
      customer_first_name: first,
      first_name: first,
      name: first,
      customer: first,
      customer_full_name: fullName || first,
      agent_name: S.me.first_name || S.me.name,
      agent: S.me.first_name || S.me.name,
      agent_first_name: S.me.first_name || S.me.name,
      order_number: order,
      order: order,
      shop_name: SHOP,
      shop: SHOP,
    };
    return text.replace(/\{\{\s*(\w+)\s*\}\}|\{(\w+)\}/g, (m, a, b) => {
      const k = (a || b).toLowerCase();
      return Object.prototype.hasOwnProperty.call(values, k) && values[k] ? values[k] : m;
    });
  }

  function insertText(text) {
    const input = dom.input;
    input.value = input.value.trim() ? input.value.replace(/\s*$/, "") + "\n" + text : text;
    input.focus();
    input.setSelectionRange(input.value.length, input.value.length);
  }

  dom.canned.addEventListener("change", () => {
    const conv = S.open && S.convs.get(S.open);
    const c = S.canned[Number(dom.canned.value)];
    dom.canned.value = "";
    if (!conv || !c) return;
    insertText(fillPlaceholders(str(c.text || c.body), conv));
  });
  dom.suggest.addEventListener("click", () => {
    const conv = S.open && S.convs.get(S.open);
    if (!conv) return;
    // The server runs the assistant on the customer's last message (nothing it does is kept).
    if (send({ type: "suggest", conversation: conv.id })) dom.suggest.disabled = true;
  });
  dom.noteToggle.addEventListener("change", () => {
    S.note = dom.noteToggle.checked;
    stopTyping();
    const conv = S.open && S.convs.get(S.open);
    if (conv) renderComposer(conv);
  });

  let typingSentAt = 0;
  let typingTimer = null;
  let typingFor = null;
  function stopTyping() {
    clearTimeout(typingTimer);
    if (typingFor) send({ type: "typing", conversation: typingFor, on: false });
    typingFor = null;
    typingSentAt = 0;
  }
  dom.input.addEventListener("input", () => {
    const conv = S.open && S.convs.get(S.open);
    if (!conv || S.note || !canWrite(conv)) return;
    if (!dom.input.value.trim()) {
      stopTyping();
      return;
    }
    const now = Date.now();
    if (typingFor !== conv.id || now - typingSentAt > TYPING_EVERY) {
      send({ type: "typing", conversation: conv.id, on: true });
      typingFor = conv.id;
      typingSentAt = now;
    }
    clearTimeout(typingTimer);
    typingTimer = setTimeout(stopTyping, TYPING_IDLE);
  });
  dom.input.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
      e.preventDefault();
      submit();
    }
  });
  dom.composer.addEventListener("submit", (e) => {
    e.preventDefault();
    submit();
  });

  function submit() {
    const conv = S.open && S.convs.get(S.open);
    const text = dom.input.value.trim();
    if (!conv || !text) return;
    if (S.note) {
      if (!send({ type: "note", conversation: conv.id, text: text })) return;
      conv.pending.push({ role: "note", text: text, _pending: true, created_at: new Date().toISOString(), seq: null, author: S.me.name, client_id: "" });
      // One note at a time: the next thing typed is a reply again unless ticked again.
      S.note = false;
      dom.noteToggle.checked = false;
      renderComposer(conv);
    } else {
      if (!canWrite(conv)) return;
      const cid = uuid();
      if (!send({ type: "send", conversation: conv.id, text: text, client_id: cid })) return;
      stopTyping();
      conv.messages.push({ role: "agent", text: text, _pending: true, created_at: new Date().toISOString(), seq: null, client_id: cid, author: S.me.name, state: "final" });
    }
    dom.input.value = "";
    renderTranscript(conv);
    dom.transcriptWrap.scrollTop = dom.transcriptWrap.scrollHeight;
  }

  // ---------------------------------------------------------------------------------------------
  // Header actions
  // ---------------------------------------------------------------------------------------------
  function act(type, extra) {
    const id = S.open;
    if (!id) return;
    send(Object.assign({ type: type, conversation: id }, extra || {}));
  }
  dom.claim.addEventListener("click", () => act("claim"));
  dom.transferBtn.addEventListener("click", () => {
    const v = dom.transferAgent.value;
    if (!v) return;
    act("transfer", { agent: /^\d+$/.test(v) ? Number(v) : v });
  });
  dom.handBack.addEventListener("click", () => act("hand_back"));
  dom.resolve.addEventListener("click", () => {
    stopTyping();
    act("resolve");
  });

  // ---------------------------------------------------------------------------------------------
  // Messages left while nobody was at the desk: GET /desk/api/tickets/ on load, every 30 s and
  // on a `ticket` frame; answered by email with POST /desk/api/tickets/<id>/answer/.
  // ---------------------------------------------------------------------------------------------
  const TICKETS_EVERY = 30000;
  const PREVIEW_WORDS = 12;

  // "just now", "12 min", "3 h", "2 d": a message can wait days, unlike a chat.
  function age(iso) {
    const t = Date.parse(iso || "");
    if (isNaN(t)) return "";
    const m = Math.floor(Math.max(0, Date.now() - t) / 60000);
    if (m < 1) return T.now;
    if (m < 60) return fmt(T.min, { n: m });
    if (m < 24 * 60) return m % 60 ? fmt(T.hour, { h: Math.floor(m / 60), m: m % 60 }) : fmt(T.hours, { h: m / 60 });
    return fmt(T.day, { d: Math.floor(m / 1440) });
  }
  function stamp(iso) {
    const d = new Date(iso || "");
    if (isNaN(d.getTime())) return "";
    return d.toLocaleString([], { dateStyle: "medium", timeStyle: "short" });
  }
  function firstWords(text) {
    const words = str(text).trim().split(/\s+/);
    return words.length > PREVIEW_WORDS ? words.slice(0, PREVIEW_WORDS).join(" ") + "…" : words.join(" ");
  }
  const ticketId = (t) => (t && t.id !== undefined ? String(t.id) : "");
  const isAnswered = (t) => str(t && t.status) === "answered";
  const currentTicket = () => S.tickets.find((t) => ticketId(t) === S.ticket) || null;

  // Only the latest request's answer is shown: a poll sent before an answer must not bring the
  // answered ticket back as open.
  let ticketsSeq = 0;
  function loadTickets() {
    const seq = ++ticketsSeq;
    return api("tickets/")
      .then((r) => {
        if (seq !== ticketsSeq || !r.ok || !r.data) return;
        const shown = currentTicket();
        S.tickets = listOf(r.data.tickets);
        // The ticket on screen stays there even when it falls off the list.
        if (shown && !currentTicket()) S.tickets.push(shown);
        S.ticketsOpen = typeof r.data.open === "number" ? r.data.open : S.tickets.filter((t) => !isAnswered(t)).length;
        renderTickets();
        if (S.ticket !== null) renderTicket();
      })
      .catch(() => {});
  }

  function onTicketFrame(f) {
    const t = f.ticket && typeof f.ticket === "object" ? f.ticket : {};
    if (!isAnswered(t) && t.email) {
      toast(null, fmt(T.ticketNew, { email: str(t.email) }));
      chime();
    }
    loadTickets();
  }

  function ticketRow(t) {
    const id = ticketId(t);
    const li = el("li", "desk-item desk-ticket-item", {
      "data-ticket": id,
      "data-status": str(t.status),
      "data-testid": isAnswered(t) ? "desk-answered-item" : "desk-ticket-item",
    });
    const btn = el("button", "desk-item-button", { type: "button" });
    if (id === S.ticket) {
      li.classList.add("is-open");
      btn.setAttribute("aria-current", "true");
    }
    const top = el("span", "desk-item-top");
    top.appendChild(el("span", "desk-item-name", { text: str(t.email) }));
    const at = isAnswered(t) ? str(t.answered_at) : str(t.created_at);
    top.appendChild(el("span", "desk-item-age", { "data-since": at, text: age(at) }));
    btn.appendChild(top);
    const meta = el("span", "desk-item-meta");
    const line = isAnswered(t) ? fmt(T.ticketBy, { name: personName(t.answered_by, T.none) }) : firstWords(t.text);
    meta.appendChild(el("span", "desk-item-preview", { text: line }));
    btn.appendChild(meta);
    btn.addEventListener("click", () => openTicket(id));
    li.appendChild(btn);
    return li;
  }

  function renderTickets() {
    const open = S.tickets.filter((t) => !isAnswered(t));
    const done = S.tickets.filter(isAnswered);
    dom.tickets.textContent = "";
    for (const t of open) dom.tickets.appendChild(ticketRow(t));
    dom.ticketsCount.textContent = String(Math.max(S.ticketsOpen, open.length));
    dom.ticketsCount.classList.toggle("desk-count--hot", open.length > 0);
    dom.ticketsEmpty.hidden = open.length > 0;
    dom.answeredList.textContent = "";
    for (const t of done) dom.answeredList.appendChild(ticketRow(t));
    dom.answered.hidden = done.length === 0;
  }

  function openTicket(id) {
    if (S.open) {
      stopTyping();
      const prev = S.open;
      if (!S.mine.some((m) => convId(m) === prev)) send({ type: "close", conversation: prev });
      S.open = null;
      renderLists();
    }
    if (S.ticket !== id) {
      dom.ticketInput.value = "";
      dom.ticketResult.hidden = true;
    }
    S.ticket = id;
    dom.placeholder.hidden = true;
    dom.conversation.hidden = true;
    dom.ticket.hidden = false;
    renderTickets();
    renderTicket();
    if (!isAnswered(currentTicket())) dom.ticketInput.focus();
  }

  function closeTicket() {
    if (S.ticket === null) return;
    S.ticket = null;
    dom.ticket.hidden = true;
    renderTickets();
    dom.customer.textContent = "";
    if (customerEmpty) dom.customer.appendChild(customerEmpty);
  }

  function renderTicket() {
    const t = currentTicket();
    if (!t) return;
    const answered = isAnswered(t);
    dom.ticket.setAttribute("data-status", str(t.status));
    dom.ticketEmail.textContent = str(t.email);
    dom.ticketStatus.textContent = answered ? T.ticketAnswered : T.ticketOpen;
    dom.ticketStatus.className = "desk-status-chip desk-status-chip--" + (answered ? "agent" : "queued");
    const ago = age(t.created_at);
    dom.ticketWhen.textContent = fmt(ago === T.now ? T.ticketReceivedNow : T.ticketReceived, { when: stamp(t.created_at), age: ago });
    dom.ticketText.textContent = str(t.text);
    dom.ticketAnswer.hidden = !answered;
    dom.ticketForm.hidden = answered;
    if (answered) {
      dom.ticketAnsweredBy.textContent = fmt(T.ticketAnsweredBy, { name: personName(t.answered_by, T.none), when: stamp(t.answered_at) });
      dom.ticketAnswerText.textContent = str(t.answer);
    } else dom.ticketTo.textContent = str(t.email);
    // The right column has no customer record to show, only where the answer goes.
    dom.customer.textContent = "";
    const card = el("section", "desk-card desk-cust");
    card.appendChild(el("h2", "desk-card-title", { text: str(t.email) }));
    card.appendChild(el("p", "desk-muted", { text: T.ticketSide }));
    dom.customer.appendChild(card);
  }

  dom.ticketForm.addEventListener("submit", (e) => {
    e.preventDefault();
    const t = currentTicket();
    if (!t || isAnswered(t) || dom.ticketSend.disabled) return;
    const text = dom.ticketInput.value.trim();
    const result = dom.ticketResult;
    result.hidden = false;
    result.className = "desk-composer-note desk-ticket-result";
    if (!text) {
      result.classList.add("desk-order-result--bad");
      result.textContent = T.ticketEmpty;
      dom.ticketInput.focus();
      return;
    }
    result.textContent = T.sending;
    dom.ticketSend.disabled = true;
    dom.ticketInput.disabled = true;
    const id = ticketId(t);
    api("tickets/" + encodeURIComponent(id) + "/answer/", { text: text })
      .then((r) => {
        if (!r.ok) {
          const code = str(r.data && r.data.error);
          const known = T.ticketErrors[code];
          const why = str(r.data && (r.data.message || r.data.error)) || "HTTP " + r.status;
          result.classList.add("desk-order-result--bad");
          result.textContent = known || fmt(T.failed, { why: why });
          if (code === "already_answered") loadTickets();
          return;
        }
        const fresh = r.data && r.data.ticket && typeof r.data.ticket === "object" ? r.data.ticket : null;
        const i = S.tickets.findIndex((x) => ticketId(x) === id);
        if (fresh && i >= 0) S.tickets[i] = fresh;
        S.ticketsOpen = Math.max(0, S.ticketsOpen - 1);
        dom.ticketInput.value = "";
        result.hidden = true;
        renderTickets();
        if (S.ticket === id) renderTicket();
        toast(null, fmt(T.ticketSent, { email: str(t.email) }));
        loadTickets();
      })
      .catch((err) => {
        result.classList.add("desk-order-result--bad");
        result.textContent = fmt(T.failed, { why: err && err.message ? err.message : T.network });
      })
      .then(() => {
        dom.ticketSend.disabled = false;
        dom.ticketInput.disabled = false;
      });
  });
  // A "write an answer first" hint goes away once there is one.
  dom.ticketInput.addEventListener("input", () => {
    if (dom.ticketResult.classList.contains("desk-order-result--bad")) dom.ticketResult.hidden = true;
  });
  dom.ticketInput.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      dom.ticketForm.requestSubmit();
    }
  });

  // ---------------------------------------------------------------------------------------------
  // Start
  // ---------------------------------------------------------------------------------------------
  setCanned([]);
  renderTitle();
  renderLists();
  renderTickets();
  loadTickets();
  setInterval(loadTickets, TICKETS_EVERY);
  connect();

  window.ServiceDeskDesk = {
    state: () => ({
      connected: !!(ws && ws.readyState === 1),
      presence: S.presence,
      queue: S.queue.map(convId),
      mine: S.mine.map(convId),
      open: S.open,
      unseen: S.unseen.size,
      tickets: S.ticketsOpen,
      ticket: S.ticket,
    }),
  };
})();
