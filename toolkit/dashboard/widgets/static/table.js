// Every finding of the engagement: sortable, filterable by factor, rater and source.
//
// Rows arrive once when the page draws the table ("reset") and then one by one ("upsert",
// "remove"): a change touches one row of the page, never the whole table, so the cost of a
// change does not grow with the engagement. Edit and Delete are sent to the kernel. Once a
// message's rows are in, the table carries the revision they came from (data-rev).

const COLUMNS = [
  { key: "factor_label", title: "Factor" },
  { key: "level", title: "Level" },
  { key: "evidence", title: "Evidence" },
  { key: "source", title: "Source" },
  { key: "rater", title: "Rater" },
  { key: "recorded_at", title: "Recorded" },
];

function when(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString([], { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
}

function render({ model, el }) {
  const send = sender(model);
  const rows = new Map(); // id -> row data
  const trs = new Map(); // id -> <tr> shown
  const order = []; // ids shown, in sort order
  const state = { sort: "recorded_at", desc: false, factor: "__this__", rater: "", source: "" };

  el.classList.add("tf-findings");
  const factorFilter = h("select", { class: "tf-input", "aria-label": "Show factor" });
  const raterFilter = h("select", { class: "tf-input", "aria-label": "Show rater" });
  const sourceFilter = h("select", { class: "tf-input", "aria-label": "Show source" });
  const count = h("span", { class: "tf-muted tf-count", "aria-live": "polite" });
  const headRow = h("tr");
  const heads = COLUMNS.map((c) => {
    const button = h("button", { type: "button", class: "tf-sort", text: c.title });
    button.addEventListener("click", () => {
      state.desc = state.sort === c.key ? !state.desc : false;
      state.sort = c.key;
      redraw();
    });
    const th = h("th", { scope: "col", class: `tf-col-${c.key}` }, button);
    headRow.append(th);
    return th;
  });
  headRow.append(h("th", { scope: "col", class: "tf-col-actions", text: "" }));
  const tbody = h("tbody");
  const table = h("table", { class: "tf-table tf-findings-table" }, h("thead", {}, headRow), tbody);
  const empty = h("div", { class: "tf-muted tf-empty" });
  el.append(
    h(
      "div",
      { class: "tf-filters" },
      h("span", { class: "tf-section", text: "Findings" }),
      h("label", {}, "Factor ", factorFilter),
      h("label", {}, "Rater ", raterFilter),
      h("label", {}, "Source ", sourceFilter),
      count,
    ),
    h("div", { class: "tf-table-scroll" }, table, empty),
  );

  const selectedFactor = () => model.get("factor");
  const visible = (r) =>
    (state.factor === "" ||
      (state.factor === "__this__" ? r.factor === selectedFactor() : r.factor === state.factor)) &&
    (!state.rater || r.rater === state.rater) &&
    (!state.source || r.source === state.source);

  function compare(a, b) {
    const x = a[state.sort];
    const y = b[state.sort];
    let c = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y));
    if (c === 0) c = String(a.recorded_at).localeCompare(String(b.recorded_at)) || a.id.localeCompare(b.id);
    return state.desc ? -c : c;
  }

  function rowElement(r) {
    const tr = h("tr", { "data-id": r.id });
    const cells = {
      factor_label: r.factor_label,
      level: null,
      evidence: r.evidence,
      source: r.source,
      rater: r.rater,
      recorded_at: when(r.recorded_at),
    };
    for (const c of COLUMNS) {
      const td = h("td", { class: `tf-col-${c.key}` });
      if (c.key === "level") td.append(h("span", { class: "tf-level", text: String(r.level) }));
      else td.textContent = cells[c.key];
      tr.append(td);
    }
    const edit = h("button", { type: "button", class: "tf-secondary", text: "Edit", "aria-label": `Edit finding: ${r.evidence.slice(0, 60)}` });
    const del = h("button", { type: "button", class: "tf-secondary", text: "Delete", "aria-label": `Delete finding: ${r.evidence.slice(0, 60)}` });
    edit.addEventListener("click", () => send({ op: "edit", id: r.id }));
    del.addEventListener("click", () => send({ op: "delete", id: r.id }));
    tr.append(h("td", { class: "tf-col-actions" }, edit, del));
    if (r.id === model.get("highlight")) tr.classList.add("tf-editing");
    return tr;
  }

  function position(r) {
    let lo = 0;
    let hi = order.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compare(rows.get(order[mid]), r) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  function hide(id) {
    const tr = trs.get(id);
    if (!tr) return;
    tr.remove();
    trs.delete(id);
    order.splice(order.indexOf(id), 1);
  }

  function show(r) {
    hide(r.id);
    if (!visible(r)) return;
    const at = position(r);
    const tr = rowElement(r);
    tbody.insertBefore(tr, at < order.length ? trs.get(order[at]) : null);
    order.splice(at, 0, r.id);
    trs.set(r.id, tr);
  }

  function status() {
    const total = rows.size;
    count.textContent = `${order.length} of ${total} finding${total === 1 ? "" : "s"}`;
    empty.textContent = order.length ? "" : total ? "No findings match these filters." : "No findings yet: nothing is assessed.";
    heads.forEach((th, i) => {
      const key = COLUMNS[i].key;
      th.setAttribute("aria-sort", key === state.sort ? (state.desc ? "descending" : "ascending") : "none");
    });
  }

  function options(select, values, first, keep) {
    const current = select.value;
    select.replaceChildren(...first.map(([v, t]) => h("option", { value: v, text: t })));
    for (const [v, t] of values) select.append(h("option", { value: v, text: t }));
    select.value = keep && [...select.options].some((o) => o.value === current) ? current : first[0][0];
  }

  function refreshFilters() {
    const factors = model.get("factors");
    options(factorFilter, factors.map((f) => [f.id, f.label]), [["__this__", "This factor"], ["", "All factors"]], true);
    const uniq = (key) => [...new Set([...rows.values()].map((r) => r[key]))].sort();
    options(raterFilter, uniq("rater").map((v) => [v, v]), [["", "All raters"]], true);
    options(sourceFilter, uniq("source").map((v) => [v, v]), [["", "All sources"]], true);
    state.factor = factorFilter.value;
    state.rater = raterFilter.value;
    state.source = sourceFilter.value;
  }

  function redraw() {
    tbody.replaceChildren();
    trs.clear();
    order.length = 0;
    const shown = [...rows.values()].filter(visible).sort(compare);
    for (const r of shown) {
      const tr = rowElement(r);
      trs.set(r.id, tr);
      order.push(r.id);
      tbody.append(tr);
    }
    status();
  }

  for (const [select, key] of [[factorFilter, "factor"], [raterFilter, "rater"], [sourceFilter, "source"]]) {
    select.addEventListener("change", () => {
      state[key] = select.value;
      redraw();
    });
  }
  model.on("change:factor", () => {
    if (state.factor === "__this__") redraw();
  });
  model.on("change:highlight", () => {
    for (const [id, tr] of trs) tr.classList.toggle("tf-editing", id === model.get("highlight"));
  });
  model.on("msg:custom", (msg) => {
    if (msg.op === "reset") {
      rows.clear();
      for (const r of msg.rows) rows.set(r.id, r);
      refreshFilters();
      redraw();
      el.dataset.rev = String(msg.rev);
      return;
    }
    if (msg.op === "upsert") {
      const offered = (select, value) => [...select.options].some((o) => o.value === value);
      let fresh = false;
      for (const r of msg.rows) {
        fresh = fresh || !offered(raterFilter, r.rater) || !offered(sourceFilter, r.source);
        rows.set(r.id, r);
        show(r);
      }
      if (fresh) refreshFilters(); // a new rater or source is offered; the filters chosen stay
    } else if (msg.op === "remove") {
      for (const id of msg.ids) {
        rows.delete(id);
        hide(id);
      }
    }
    status();
    el.dataset.rev = String(msg.rev);
  });
  send({ op: "ready" });
}

export default { render };
