// Small progressive enhancements for the arbo login theme. Every page works without it.
(function () {
  "use strict";

  // Put the password rules (rendered above the form) right under the new-password field
  // and let screen readers announce them with that field.
  function attachPasswordRules() {
    var rules = document.getElementById("arbo-password-rules");
    var field = document.getElementById("password") || document.getElementById("password-new");
    if (!rules || !field) return;
    var group = field.closest(".pf-v5-c-form__group");
    if (group && group.parentNode) group.parentNode.insertBefore(rules, group.nextSibling);
    var describedBy = (field.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    describedBy.push("arbo-password-rules");
    field.setAttribute("aria-describedby", describedBy.join(" "));
  }

  // Some stock v2 pages (login-config-totp.ftl) label their inputs with a `for` that
  // matches no element ("form-vertical-name"), so the inputs have no accessible name.
  // Point each such label at the single input of its form group.
  function repairDanglingLabels() {
    document.querySelectorAll("label[for]").forEach(function (label) {
      if (document.getElementById(label.htmlFor)) return;
      var group = label.closest(".pf-v5-c-form__group");
      var inputs = group ? group.querySelectorAll("input:not([type=hidden]), select, textarea") : [];
      if (inputs.length === 1 && inputs[0].id) label.htmlFor = inputs[0].id;
    });
  }

  // Registering from an invitation: the invited address is the username and Keycloak
  // refuses any other, so show it as fixed rather than let the user edit it in vain.
  function fixInvitedEmail() {
    if (!document.querySelector('meta[name="arbo-invitation"]')) return;
    var email = document.getElementById("email");
    if (!email || !email.value) return;
    email.readOnly = true;
    var wrapper = email.parentElement && email.parentElement.closest(".pf-v5-c-form-control");
    if (wrapper) wrapper.classList.add("pf-m-readonly");
  }

  // The link's token type (invitation, reset, welcome) is in the unsigned part of the
  // `key` (action-token links) or `token` (invitation links) query parameter; reading it
  // only decides which advice to show.
  function linkTokenType() {
    try {
      var params = new URLSearchParams(window.location.search);
      var key = params.get("key") || params.get("token");
      if (!key) return null;
      var payload = key.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
      return JSON.parse(window.atob(payload)).typ || null;
    } catch (e) {
      return null;
    }
  }

  function narrowLinkExpiredHelp() {
    var help = document.getElementById("arbo-link-expired");
    var type = linkTokenType();
    if (!help || !type) return;
    var items = help.querySelectorAll("[data-arbo-token-type]");
    var match = help.querySelector('[data-arbo-token-type="' + type + '"]');
    if (!match) return;
    items.forEach(function (item) { if (item !== match) item.hidden = true; });
    match.parentNode.classList.add("arbo-single");
    // An invitation cannot be renewed by the user, so "forgot password" would mislead.
    if (type === "ORGIVT") {
      var forgot = document.getElementById("arbo-forgot-password");
      if (forgot) forgot.parentNode.hidden = true;
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    repairDanglingLabels();
    attachPasswordRules();
    fixInvitedEmail();
    narrowLinkExpiredHelp();
  });
})();
