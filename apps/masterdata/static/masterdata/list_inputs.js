// Back office: "Add another" under a list of text inputs (StringListWidget) adds one more blank input.
"use strict";
document.addEventListener("click", function (event) {
  var button = event.target.closest(".string-list-add");
  if (!button) return;
  var list = button.parentElement.querySelector("ul");
  var last = list.querySelector("li:last-child");
  var row = last.cloneNode(true);
  row.querySelector("input").value = "";
  list.appendChild(row);
  row.querySelector("input").focus();
});
