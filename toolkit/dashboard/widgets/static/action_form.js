// The action plan of the factor under discussion: its actions, the framework's remedies (each
// with a button that turns it into an action), and the action form: what, owner, due date,
// status, the level it aims for; saved with Ctrl/Cmd+Enter from any of its boxes.
//
// As in the finding form, the browser owns what is typed: a save sends every field as the
// person saw it in one message and the kernel answers saved or refused; a refused action stays
// in the form with the reason beside it. The list is drawn from the kernel's `actions` (the
// factor's actions as this person may see them), so a colleague's change shows up as theirs
// do. The element carries what the kernel answered (data-saved, data-rejected, data-pending)
// and each action's row its id and status, so a page can tell that a change has landed.

const LOST_ACTION = "the page has lost its connection to the dashboard. Copy your text, then reload the page.";

function actionClock(date = new Date()) {
  return date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
}

// "in progress" -> the buttons that move an action on from there.
const NEXT_STATUS = {
  planned: [["in progress", "Start"], ["done", "Done"], ["dropped", "Drop"]],
  "in progress": [["done", "Done"], ["dropped", "Drop"]],
  done: [["in progress", "Reopen"]],
  dropped: [["planned", "Reopen"]],
};

function render({ model, el }) {
  const send = sender(model);
  const state = { editing: null, remedy: null, seq: 0, pending: new Map() };
  const answered = { saved: 0, rejected: 0 };
  el.classList.add("tf-plan");
  el.tabIndex = -1;
  const count = () => {
    el.dataset.saved = String(answered.saved);
    el.dataset.rejected = String(answered.rejected);
    el.dataset.pending = String(state.pending.size);
  };
  count();

  const title = h("div", { class: "tf-section" });
  const refusal = h("div", { class: "tf-plan-refusal", role: "note", hidden: true });
  const list = h("ul", { class: "tf-plan-list", "aria-label": "Actions" });
  const remedies = h("ul", { class: "tf-plan-remedies", "aria-label": "Remedies" });
  const what = h("textarea", {
    class: "tf-input tf-plan-what",
    rows: "2",
    "aria-label": "What",
    placeholder: "What will be done. Ctrl+Enter saves.",
  });
  const owner = h("input", {
    class: "tf-input",
    type: "text",
    "aria-label": "Owner",
    autocomplete: "off",
    placeholder: "Who does it",
  });
  const due = h("input", { class: "tf-input", type: "date", "aria-label": "Due" });
  const status = h("select", { class: "tf-input", "aria-label": "Status" });
  for (const s of model.get("statuses")) status.append(h("option", { value: s, text: s }));
  const aim = h("select", { class: "tf-input", "aria-label": "Aims for" });
  aim.append(h("option", { value: "", text: "not said" }));
  for (const lv of model.get("levels")) aim.append(h("option", { value: String(lv.level), text: `${lv.level} ${lv.name}` }));
  const origin = h("div", { class: "tf-muted tf-plan-origin", hidden: true });
  const saveButton = h("button", { type: "button", class: "tf-primary", text: "Add action" });
  const cancelButton = h("button", { type: "button", class: "tf-secondary", text: "Cancel edit", hidden: true });
  const note = h("div", { class: "tf-form-status", role: "status", "aria-live": "polite" });
  const keys = h("div", { class: "tf-keys", text: "Ctrl+Enter saves the action · Esc leaves the edit" });
  const row = (label, control) =>
    h("label", { class: "tf-field" }, h("span", { class: "tf-field-label", text: label }), control);
  const form = h(
    "div",
    { class: "tf-plan-form", role: "group", "aria-label": "Action" },
    origin,
    row("What", what),
    h("div", { class: "tf-pair" }, row("Owner", owner), row("Due", due)),
    h("div", { class: "tf-pair" }, row("Status", status), row("Aims for", aim)),
    h("div", { class: "tf-actions" }, saveButton, cancelButton, note),
    keys,
  );
  const remedyBox = h(
    "details",
    { class: "tf-plan-remedy-box", open: true },
    h("summary", { text: "Remedies" }),
    remedies,
  );
  el.append(title, refusal, list, remedyBox, form);

  function say(text, tone = "info") {
    note.textContent = text;
    note.dataset.tone = tone;
  }

  function showOrigin() {
    const parts = [];
    if (state.editing !== null) parts.push("Editing an action. Esc cancels.");
    if (state.remedy !== null) parts.push(`From remedy ${state.remedy}.`);
    origin.textContent = parts.join(" ");
    origin.hidden = parts.length === 0;
    saveButton.textContent = state.editing !== null ? "Save changes" : "Add action";
    cancelButton.hidden = state.editing === null;
  }

  function clear() {
    state.editing = null;
    state.remedy = null;
    what.value = "";
    due.value = "";
    status.value = "planned";
    aim.value = "";
    showOrigin();
  }

  function fill(a) {
    state.editing = a.id;
    state.remedy = a.remedy ?? null;
    what.value = a.what;
    owner.value = a.owner;
    due.value = a.due;
    status.value = a.status;
    aim.value = a.aim === null || a.aim === undefined ? "" : String(a.aim);
    showOrigin();
    what.focus();
  }

  function fromRemedy(number, text) {
    if (state.editing !== null) clear();
    state.remedy = number;
    what.value = text;
    showOrigin();
    say("");
    owner.focus();
  }

  // -- what the kernel says is there ---------------------------------------------------------
  function draw() {
    const label = model.get("factor_label");
    title.textContent = label ? `Action plan · ${label}` : "Action plan";
    const why = model.get("refusal");
    refusal.textContent = why ? `You cannot change the plan here: ${why}.` : "";
    refusal.hidden = !why;
    el.dataset.allowed = why ? "false" : "true";
    for (const control of [what, owner, due, status, aim, saveButton]) control.disabled = Boolean(why);
    list.replaceChildren();
    const actions = model.get("actions");
    if (!actions.length) list.append(h("li", { class: "tf-muted tf-plan-empty", text: "No actions for this factor yet." }));
    for (const a of actions) {
      const meta = h("div", { class: "tf-plan-meta" });
      meta.append(
        h("span", { class: "tf-plan-owner", text: a.owner }),
        document.createTextNode(" · due "),
        h("span", { class: "tf-plan-due", text: a.due }),
        document.createTextNode(" · "),
        h("span", { class: "tf-plan-status", text: a.status }),
      );
      if (a.overdue) meta.append(document.createTextNode(" "), h("span", { class: "tf-overdue", text: "overdue" }));
      if (a.aim !== null && a.aim !== undefined) meta.append(document.createTextNode(` · aims for ${a.aim}`));
      if (a.carried) meta.append(document.createTextNode(` · ${a.carried}`));
      const buttons = h("div", { class: "tf-plan-buttons" });
      for (const [next, word] of NEXT_STATUS[a.status] || []) {
        buttons.append(
          h("button", {
            type: "button",
            class: "tf-secondary",
            text: word,
            "data-status": next,
            disabled: why ? true : null,
            title: `Mark it ${next}`,
            onclick: () => setStatus(a.id, next),
          }),
        );
      }
      buttons.append(
        h("button", {
          type: "button",
          class: "tf-secondary",
          text: "Edit",
          disabled: why ? true : null,
          onclick: () => fill(a),
        }),
      );
      list.append(
        h(
          "li",
          { class: `tf-plan-item tf-plan-${a.status.replace(" ", "-")}`, "data-action-id": a.id, "data-status": a.status },
          h("div", { class: "tf-plan-what-text", text: a.what }),
          meta,
          buttons,
        ),
      );
    }
    remedies.replaceChildren();
    model.get("remedies").forEach((text, i) => {
      remedies.append(
        h(
          "li",
          { class: "tf-plan-remedy" },
          h("span", { text }),
          h("button", {
            type: "button",
            class: "tf-secondary tf-plan-make",
            text: "Make an action",
            title: "Put this remedy in the action form",
            "aria-label": `Make an action of remedy ${i + 1}`,
            disabled: why ? true : null,
            onclick: () => fromRemedy(i + 1, text),
          }),
        ),
      );
    });
    remedyBox.hidden = model.get("remedies").length === 0;
    el.dataset.rev = String(model.get("revision"));
  }

  // -- saving ----------------------------------------------------------------------------------
  function post(message) {
    message.seq = ++state.seq;
    if (!send(message)) {
      say(`Not saved: ${LOST_ACTION}`, "error");
      return false;
    }
    state.pending.set(message.seq, message);
    count();
    say("Saving…");
    return true;
  }

  function submit() {
    if (model.get("refusal")) return;
    const problems = [];
    if (!what.value.trim()) problems.push("say what will be done");
    if (!owner.value.trim()) problems.push("name the owner");
    if (!due.value) problems.push("pick a due date");
    if (problems.length) {
      say(`Not saved: ${problems.join(", ")}.`, "error");
      return;
    }
    post({
      op: "save",
      id: state.editing,
      factor: model.get("factor"),
      what: what.value,
      owner: owner.value.trim(),
      due: due.value,
      status: status.value,
      aim: aim.value === "" ? null : Number(aim.value),
      remedy: state.remedy,
    });
  }

  function setStatus(id, next) {
    post({ op: "status", id, status: next });
  }

  model.on("msg:custom", (msg) => {
    const sent = state.pending.get(msg.seq);
    if (msg.op === "saved") {
      state.pending.delete(msg.seq);
      answered.saved += 1;
      count();
      // The form empties only once its own action is saved (the owner stays for the next one).
      if (sent && sent.op === "save") clear();
      if (!state.pending.size) say(`✔ saved ${actionClock()}`, "ok");
    } else if (msg.op === "rejected") {
      state.pending.delete(msg.seq);
      answered.rejected += 1;
      count();
      say(`Not saved: ${msg.message}`, "error");
    } else if (msg.op === "cancel_edit") {
      if (state.editing !== null && state.editing === msg.id) clear();
    }
  });
  model.on("change:actions", draw);
  model.on("change:remedies", draw);
  model.on("change:refusal", draw);
  model.on("change:revision", () => {
    el.dataset.rev = String(model.get("revision"));
  });
  model.on("change:factor", () => {
    if (state.editing !== null || state.remedy !== null) clear();
    draw();
  });

  saveButton.addEventListener("click", () => submit());
  cancelButton.addEventListener("click", () => clear());

  const visible = () => el.offsetParent !== null;
  const onKey = (event) => {
    if (!visible()) return;
    const target = event.target instanceof Element ? event.target : null;
    if (target === null || !el.contains(target)) return;
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      event.stopPropagation(); // the finding form's Ctrl+Enter is for its own boxes
      submit();
    } else if (event.key === "Escape" && state.editing !== null) {
      event.preventDefault();
      event.stopPropagation();
      clear();
    }
  };
  // Capture phase, as the finding form: text boxes in the page stop keydown from bubbling.
  document.addEventListener("keydown", onKey, true);
  draw();
  showOrigin();
  return () => document.removeEventListener("keydown", onKey, true);
}

export default { render };
