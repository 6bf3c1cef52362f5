// Back office: the item book's layout (categories > tabs > buttons on a grid) edited as a tree with a grid per
// tab. The tree lives in a hidden input as JSON (snake_case, as the API stores it); every edit rewrites it.
"use strict";
(function () {
  var SIZES = ["Single", "DoubleWidth", "DoubleHeight", "Quad"];

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") node.textContent = attrs[key];
      else node.setAttribute(key, attrs[key]);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }

  function nextNumber(list, key) {
    return list.reduce(function (high, node) { return Math.max(high, Number(node[key]) || 0); }, 0) + 1;
  }

  function Editor(root) {
    this.root = root;
    this.input = document.getElementById(root.dataset.input);
    this.labels = JSON.parse(root.dataset.labels);
    try { this.tree = JSON.parse(this.input.value || "[]"); } catch (e) { this.tree = []; }
    if (!Array.isArray(this.tree)) this.tree = [];
    this.render();
  }

  Editor.prototype.save = function () { this.input.value = JSON.stringify(this.tree); };

  Editor.prototype.field = function (node, key, label, type, extra) {
    var self = this;
    var input = el("input", Object.assign({type: type || "text", value: node[key] == null ? "" : node[key]}, extra));
    input.addEventListener("input", function () {
      node[key] = type === "number" ? (input.value === "" ? null : Number(input.value)) : input.value;
      self.save();
      if (key === "pos_x" || key === "pos_y" || key === "item_code") self.renderGrids();
    });
    return el("label", {}, [el("span", {text: label}), input]);
  };

  Editor.prototype.sizeField = function (button) {
    var self = this;
    var select = el("select", {}, SIZES.map(function (size) {
      var option = el("option", {value: size, text: self.labels["size" + size] || size});
      if (button.size === size) option.selected = true;
      return option;
    }));
    select.addEventListener("change", function () { button.size = select.value; self.save(); self.renderGrids(); });
    return el("label", {}, [el("span", {text: this.labels.size}), select]);
  };

  Editor.prototype.removeButton = function (list, node) {
    var self = this;
    var button = el("button", {type: "button", class: "button", text: this.labels.remove});
    button.addEventListener("click", function () { list.splice(list.indexOf(node), 1); self.save(); self.render(); });
    return button;
  };

  Editor.prototype.addButton = function (text, handler) {
    var self = this;
    var button = el("button", {type: "button", class: "button", text: text});
    button.addEventListener("click", function () { handler(); self.save(); self.render(); });
    return button;
  };

  Editor.prototype.grid = function (tab) {
    var self = this;
    var buttons = tab.buttons;
    var columns = Math.max(4, nextNumber(buttons, "pos_x"));
    var rows = Math.max(3, nextNumber(buttons, "pos_y"));
    var grid = el("div", {class: "grid"});
    grid.style.gridTemplateColumns = "repeat(" + columns + ", 1fr)";
    var taken = {}, covered = {};
    buttons.forEach(function (b) {
      taken[b.pos_x + "," + b.pos_y] = b;
      var wide = b.size === "DoubleWidth" || b.size === "Quad", tall = b.size === "DoubleHeight" || b.size === "Quad";
      if (wide) covered[(Number(b.pos_x) + 1) + "," + b.pos_y] = true;
      if (tall) covered[b.pos_x + "," + (Number(b.pos_y) + 1)] = true;
      if (wide && tall) covered[(Number(b.pos_x) + 1) + "," + (Number(b.pos_y) + 1)] = true;
    });
    for (var y = 0; y < rows; y++) {
      for (var x = 0; x < columns; x++) {
        var button = taken[x + "," + y];
        if (!button && covered[x + "," + y]) continue;  // under a double or quad button
        var cell = el("button", {type: "button", class: "cell" + (button ? " taken" : ""),
          text: button ? (button.item_code || "?") : "+"});
        var spanX = button && (button.size === "DoubleWidth" || button.size === "Quad") ? 2 : 1;
        var spanY = button && (button.size === "DoubleHeight" || button.size === "Quad") ? 2 : 1;
        cell.style.gridColumn = (x + 1) + " / span " + spanX;
        cell.style.gridRow = (y + 1) + " / span " + spanY;
        if (button && button.color_text) cell.style.color = button.color_text;
        if (!button) {
          cell.addEventListener("click", (function (cx, cy) {
            return function () {
              buttons.push({pos_x: cx, pos_y: cy, size: "Single", image_url: "", color_text: "", item_code: ""});
              self.save(); self.render();
            };
          })(x, y));
        }
        grid.appendChild(cell);
      }
    }
    return grid;
  };

  Editor.prototype.renderGrids = function () {
    var self = this;
    this.root.querySelectorAll("[data-grid]").forEach(function (holder) {
      var parts = holder.dataset.grid.split(",");
      var tab = self.tree[Number(parts[0])].tabs[Number(parts[1])];
      holder.replaceChildren(self.grid(tab));
    });
  };

  Editor.prototype.render = function () {
    var self = this, L = this.labels;
    var children = this.tree.map(function (category, ci) {
      category.tabs = category.tabs || [];
      var tabs = category.tabs.map(function (tab, ti) {
        tab.buttons = tab.buttons || [];
        var rows = tab.buttons.map(function (button) {
          return el("div", {class: "row"}, [
            self.field(button, "pos_x", L.x, "number", {min: "0"}),
            self.field(button, "pos_y", L.y, "number", {min: "0"}),
            self.sizeField(button),
            self.field(button, "item_code", L.itemCode, "text", {class: "code"}),
            self.field(button, "color_text", L.colorText, "text", {class: "short"}),
            self.field(button, "image_url", L.imageUrl, "text"),
            self.removeButton(tab.buttons, button),
          ]);
        });
        return el("fieldset", {}, [
          el("legend", {text: L.tab + " " + (tab.tab_number == null ? "" : tab.tab_number)}),
          el("div", {class: "row"}, [
            self.field(tab, "tab_number", L.number, "number", {min: "0"}),
            self.field(tab, "title", L.title),
            self.field(tab, "color", L.color, "text", {class: "short"}),
            self.removeButton(category.tabs, tab),
          ]),
          el("div", {"data-grid": ci + "," + ti}, [self.grid(tab)]),
          el("div", {class: "hint", text: L.gridHint}),
        ].concat(rows));
      });
      return el("fieldset", {}, [
        el("legend", {text: L.category + " " + (category.category_number == null ? "" : category.category_number)}),
        el("div", {class: "row"}, [
          self.field(category, "category_number", L.number, "number", {min: "0"}),
          self.field(category, "title", L.title),
          self.field(category, "color", L.color, "text", {class: "short"}),
          self.removeButton(self.tree, category),
        ]),
      ].concat(tabs, [self.addButton(L.addTab, function () {
        category.tabs.push({tab_number: nextNumber(category.tabs, "tab_number"), title: "", color: "", buttons: []});
      })]));
    });
    children.push(this.addButton(L.addCategory, function () {
      self.tree.push({category_number: nextNumber(self.tree, "category_number"), title: "", color: "", tabs: []});
    }));
    this.root.replaceChildren.apply(this.root, children);
    this.save();
  };

  function start() {
    document.querySelectorAll(".item-book-editor").forEach(function (root) { new Editor(root); });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
