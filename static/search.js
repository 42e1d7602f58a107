/* The search page.  Two engines answer the same two questions (which filter
   values exist, and which records match): Pagefind over http(s), and the small
   fallback index (search/fallback.js, a classic script) where Pagefind cannot
   load, as from file://.  The page always says which one is answering.
   Results are built as DOM nodes, never as HTML strings, except Pagefind's
   <mark> highlighting, which is rebuilt from its parts. */
(function () {
  "use strict";
  var form = document.getElementById("search-form");
  if (!form) { return; }
  var input = document.getElementById("search-q");
  var status = document.getElementById("search-status");
  var notice = document.getElementById("search-notice");
  var list = document.getElementById("search-results");
  var box = document.getElementById("search-filters");
  var labels = JSON.parse(box.getAttribute("data-labels"));
  var NAMES = Object.keys(labels);
  var PAGE = 20;

  var params = new URLSearchParams(window.location.search);
  input.value = params.get("q") || "";
  var chosen = {};
  NAMES.forEach(function (name) { chosen[name] = params.getAll(name); });

  function say(text) { status.textContent = text; }
  function explain(text) { notice.textContent = text; notice.hidden = false; }

  /* ------------------------------------------------------------ engines */

  // A result is a page {url, title, excerpt, subs: [{url, title, excerpt}]}: the
  // subs are the paragraphs, notes, annotations or entries that matched.
  var SUBS = 3;

  function pagefindEngine() {
    var url = new URL(form.getAttribute("data-bundle"), document.baseURI).href;
    return import(url).then(function (pf) {
      // URLs relative to the site's root, as the records keep them (the search page stands there)
      return pf.options({ excerptLength: 30, baseUrl: "/" }).then(function () {
        // the other parts of the index (one per hundred documents, one per volume's registers)
        var parts = (form.getAttribute("data-merge") || "").split(" ").filter(Boolean);
        return Promise.all(parts.map(function (part) {
          return pf.mergeIndex(new URL(part, document.baseURI).href, { baseUrl: "/" });
        }));
      }).then(function () {
        return pf.filters().then(function (all) {
          return {
            name: "pagefind",
            filters: all,
            search: function (query, filters) {
              var wanted = {};
              Object.keys(filters).forEach(function (k) {
                if (filters[k].length) { wanted[k] = { any: filters[k] }; }
              });
              return pf.search(query || null, { filters: wanted }).then(function (found) {
                return {
                  total: found.results.length,
                  counts: found.filters,
                  page: function (start, end) {
                    return Promise.all(found.results.slice(start, end).map(function (r) {
                      return r.data().then(function (d) {
                        var subs = (query ? d.sub_results : []).filter(function (s) {
                          return s.url.indexOf("#") !== -1;
                        }).slice(0, SUBS);
                        return {
                          url: d.url, title: d.meta.title, excerpt: marked(d.excerpt),
                          subs: subs.map(function (s) {
                            return { url: s.url, title: s.title, excerpt: withoutLabel(marked(s.excerpt), s.title) };
                          })
                        };
                      });
                    }));
                  }
                };
              });
            }
          };
        });
      });
    });
  }

  // Pagefind's excerpt is HTML text with <mark> around hits: split it into
  // [text, hit, text, …] and decode its entities through a detached element.
  function marked(html) {
    var decoder = document.createElement("textarea");
    return (html || "").split(/<\/?mark>/).map(function (part) {
      decoder.innerHTML = part;
      return decoder.value;
    });
  }

  // A section's excerpt may begin with its heading ("¶3. …"), which the result shows already.
  function withoutLabel(parts, label) {
    var lead = label + ". ";
    if (parts.length && parts[0].indexOf(lead) === 0) {
      parts[0] = parts[0].slice(lead.length);
    }
    return parts;
  }

  function fallbackEngine() {
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = form.getAttribute("data-fallback");
      script.onload = function () { resolve(window.editionSearchFallback); };
      script.onerror = function () { reject(new Error("the fallback index (search/fallback.js) is missing")); };
      document.head.appendChild(script);
    }).then(function (data) {
      var table = data.filters;
      var pages = data.pages.map(function (p) {
        return {
          url: p[0], title: p[1], codes: p[2],
          sections: p[3].map(function (s) {
            return { url: p[0] + "#" + s[0], title: s[1], content: s[2], folded: fold(s[1] + " " + s[2]) };
          })
        };
      });
      return {
        name: "fallback",
        filters: counts(pages, table),
        search: function (query, filters) {
          var terms = fold(query || "").split(/\s+/).filter(Boolean);
          var hits = [];
          pages.forEach(function (page, order) {
            if (!admits(page, filters, table)) { return; }
            var matched = [];
            page.sections.forEach(function (section) {
              var score = 0;
              for (var i = 0; i < terms.length; i++) {
                var n = occurrences(section.folded, terms[i]);
                if (!n) { return; }
                score += n;
              }
              if (terms.length) { matched.push({ section: section, score: score }); }
            });
            if (terms.length && !matched.length) { return; }
            var total = matched.reduce(function (sum, m) { return sum + m.score; }, 0);
            matched.sort(function (a, b) { return b.score - a.score; });
            hits.push({ page: page, matched: matched, score: total, order: order });
          });
          hits.sort(function (a, b) { return b.score - a.score || a.order - b.order; });
          return Promise.resolve({
            total: hits.length,
            counts: counts(hits.map(function (h) { return h.page; }), table),
            page: function (start, end) {
              return Promise.resolve(hits.slice(start, end).map(function (h) {
                var first = h.page.sections[0];
                return {
                  url: h.page.url, title: h.page.title,
                  excerpt: excerpt(first ? first.content : "", []),
                  subs: h.matched.slice(0, SUBS).map(function (m) {
                    return { url: m.section.url, title: m.section.title, excerpt: excerpt(m.section.content, terms) };
                  })
                };
              }));
            }
          });
        }
      };
    });
  }

  // lower case, without accents: "Gromyko" finds "GROMYKO", "Élysée" finds "Elysee"
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function occurrences(haystack, term) {
    var n = 0, at = haystack.indexOf(term);
    while (at !== -1) { n += 1; at = haystack.indexOf(term, at + term.length); }
    return n;
  }

  function admits(page, filters, table) {
    return Object.keys(filters).every(function (name) {
      var values = filters[name];
      if (!values.length) { return true; }
      return page.codes.some(function (c) { return table[c][0] === name && values.indexOf(table[c][1]) !== -1; });
    });
  }

  function counts(records, table) {
    var out = {};
    records.forEach(function (rec) {
      rec.codes.forEach(function (c) {
        var name = table[c][0], value = table[c][1];
        out[name] = out[name] || {};
        out[name][value] = (out[name][value] || 0) + 1;
      });
    });
    return out;
  }

  // about thirty words around the first hit, as [text, hit, text, …]
  function excerpt(content, terms) {
    var folded = fold(content);
    var first = terms.length ? folded.indexOf(terms[0]) : 0;
    var start = Math.max(0, content.lastIndexOf(" ", Math.max(0, first - 90)));
    var end = content.indexOf(" ", Math.min(content.length, first + 110));
    var text = content.slice(start, end === -1 ? content.length : end).trim();
    if (start > 0) { text = "… " + text; }
    if (end !== -1) { text += " …"; }
    if (!terms.length) { return [text]; }
    var parts = [], from = 0, low = fold(text);
    var pattern = new RegExp(terms.map(function (t) { return t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }).join("|"), "g");
    var m;
    while ((m = pattern.exec(low)) !== null) {
      if (!m[0].length) { break; }
      parts.push(text.slice(from, m.index), text.slice(m.index, m.index + m[0].length));
      from = m.index + m[0].length;
    }
    parts.push(text.slice(from));
    return parts;
  }

  /* ------------------------------------------------------------ the page */

  function drawFilters(all, current) {
    box.textContent = "";
    NAMES.forEach(function (name) {
      var values = Object.keys(all[name] || {}).sort();
      if (!values.length) { return; }
      var details = document.createElement("details");
      if (chosen[name].length) { details.open = true; }
      var summary = document.createElement("summary");
      summary.textContent = labels[name];
      details.appendChild(summary);
      var set = document.createElement("fieldset");
      var legend = document.createElement("legend");
      legend.textContent = labels[name];
      legend.className = "visually-hidden";
      set.appendChild(legend);
      values.forEach(function (value) {
        var label = document.createElement("label");
        var check = document.createElement("input");
        check.type = "checkbox";
        check.name = name;
        check.value = value;
        check.checked = chosen[name].indexOf(value) !== -1;
        check.addEventListener("change", function () {
          chosen[name] = Array.prototype.map.call(
            set.querySelectorAll("input:checked"), function (c) { return c.value; });
          run();
        });
        var n = current && current[name] ? (current[name][value] || 0) : all[name][value];
        label.appendChild(check);
        label.appendChild(document.createTextNode(" " + value + " (" + n + ")"));
        set.appendChild(label);
      });
      details.appendChild(set);
      box.appendChild(details);
    });
  }

  function link(url, text) {
    var a = document.createElement("a");
    // records keep site paths; the search page stands at the site's root
    a.href = url.replace(/^\/+/, "");
    a.textContent = text;
    return a;
  }

  function excerptNode(parts) {
    var p = document.createElement("p");
    parts.forEach(function (part, i) {
      if (i % 2) {
        var mark = document.createElement("mark");
        mark.textContent = part;
        p.appendChild(mark);
      } else {
        p.appendChild(document.createTextNode(part));
      }
    });
    return p;
  }

  function item(result) {
    var li = document.createElement("li");
    var title = document.createElement("p");
    title.className = "search-result-title";
    title.appendChild(link(result.url, result.title));
    li.appendChild(title);
    if (!result.subs.length) {
      li.appendChild(excerptNode(result.excerpt));
      return li;
    }
    var subs = document.createElement("ul");
    subs.className = "search-subresults";
    result.subs.forEach(function (sub) {
      var row = document.createElement("li");
      row.appendChild(link(sub.url, sub.title));
      row.appendChild(excerptNode(sub.excerpt));
      subs.appendChild(row);
    });
    li.appendChild(subs);
    return li;
  }

  function remember(query) {
    var next = new URLSearchParams();
    if (query) { next.set("q", query); }
    NAMES.forEach(function (name) { chosen[name].forEach(function (v) { next.append(name, v); }); });
    var qs = next.toString();
    try {
      window.history.replaceState(null, "", qs ? "?" + qs : window.location.pathname);
    } catch (e) { /* some browsers refuse history on file:// pages; the search still works */ }
  }

  var engine = null;
  var generation = 0;

  function run() {
    if (!engine) { return; }
    var query = input.value.trim();
    var any = NAMES.some(function (n) { return chosen[n].length; });
    remember(query);
    if (!query && !any) {
      list.textContent = "";
      drawFilters(engine.filters, null);
      say("Type a word or a name, or choose a filter.");
      return;
    }
    var mine = ++generation;
    say("Searching…");
    engine.search(query, chosen).then(function (found) {
      if (mine !== generation) { return; }
      drawFilters(engine.filters, found.counts);
      list.textContent = "";
      var shown = 0;
      function more() {
        return found.page(shown, shown + PAGE).then(function (results) {
          if (mine !== generation) { return; }
          results.forEach(function (r) { list.appendChild(item(r)); });
          shown += results.length;
          var old = document.getElementById("search-more");
          if (old) { old.remove(); }
          if (shown < found.total) {
            var button = document.createElement("button");
            button.id = "search-more";
            button.type = "button";
            button.textContent = "Show more results";
            button.addEventListener("click", function () { more(); });
            list.after(button);
          }
        });
      }
      var what = query ? "for “" + query + "”" : "";
      var narrowed = any ? " with the chosen filters" : "";
      // announced once the first results stand on the page
      return more().then(function () {
        if (mine === generation) {
          say(found.total + (found.total === 1 ? " result " : " results ") + what + narrowed + ".");
        }
      });
    }).catch(function (err) {
      say("The search failed: " + err.message);
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    run();
  });

  function useFallback(reason) {
    explain(reason + " A simpler search of titles, registers and paragraph text is used instead:"
            + " it finds the letters as typed (not other forms of a word) and ranks by how often they occur.");
    return fallbackEngine();
  }

  var start = window.location.protocol === "file:"
    ? useFallback("This page was opened from a file (file://), where the full-text search cannot load its index.")
    : pagefindEngine().catch(function (err) {
      return useFallback("The full-text search index could not be loaded (" + err.message + ").");
    });

  say("Loading the search index…");
  start.then(function (e) {
    engine = e;
    form.setAttribute("data-engine", e.name);
    run();
  }).catch(function (err) {
    say("Search is not available: " + err.message + ".");
  });
}());
