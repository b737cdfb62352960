// Where the page says what went wrong, move the focus there, as GOV.UK's error summary does: a screen reader
// reads it first, and its links lead to the question. Without JavaScript the page works the same.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
});
