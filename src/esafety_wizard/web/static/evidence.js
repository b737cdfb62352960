// Register evidence by choosing the file: the page works out its fingerprint (SHA-256, with the browser's own
// Web Crypto) and sends only its name, size and fingerprint; the file never leaves this computer's browser.
// Without JavaScript, or for a file too large to read here, the form asks for the file's place instead.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("evidence-form");
  if (!form || !window.crypto || !window.crypto.subtle) { return; }
  var LARGEST = 512 * 1024 * 1024;  // larger files: by their place on this computer, read in pieces by esafety
  var fileGroup = document.getElementById("e-file-group");
  var pathGroup = document.getElementById("e-path-group");
  var input = document.getElementById("e-file");
  var status = document.getElementById("e-file-status");
  fileGroup.hidden = false;
  pathGroup.hidden = true;
  form.addEventListener("submit", function (event) {
    if (!pathGroup.hidden) { return; }  // a place was asked for: the server reads the file
    event.preventDefault();
    var file = input.files && input.files[0];
    if (!file) { status.textContent = "Choose a file first."; input.focus(); return; }
    if (file.size > LARGEST) {
      status.textContent = "This file is too large to read in the page. Give its place on this computer instead.";
      pathGroup.hidden = false;
      document.getElementById("e-path").focus();
      return;
    }
    status.textContent = "Working out the fingerprint of " + file.name + "...";
    file.arrayBuffer().then(function (bytes) {
      return window.crypto.subtle.digest("SHA-256", bytes);
    }).then(function (digest) {
      var hex = Array.prototype.map.call(new Uint8Array(digest), function (b) {
        return ("0" + b.toString(16)).slice(-2);
      }).join("");
      form.elements.name.value = file.name;
      form.elements.size.value = String(file.size);
      form.elements.sha256.value = hex;
      form.submit();
    }, function () {
      status.textContent = "The page could not read this file. Give its place on this computer instead.";
      pathGroup.hidden = false;
    });
  });
});
