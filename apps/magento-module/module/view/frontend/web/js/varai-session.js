/**
 * Attribution: the VARAi widgets keep the shopper's session id in sessionStorage
 * (`varai:session`); this copies it into the first-party cookie `varai_session`, which the
 * module puts on the cart and then the order. Creates the id when the widgets have not yet,
 * in their format, so both agree. Vanilla JS (Luma and Hyvä), no inline script.
 */
(function () {
    'use strict';
    var KEY = 'varai:session';
    var id;
    try {
        id = window.sessionStorage.getItem(KEY);
        if (!id) {
            id = 'ses_' + Math.random().toString(36).slice(2) + Date.now().toString(36);
            window.sessionStorage.setItem(KEY, id);
        }
    } catch (e) {
        return; // storage blocked: no session to attribute
    }
    if (!/^[A-Za-z0-9_-]{1,128}$/.test(id)) {
        return;
    }
    var secure = window.location.protocol === 'https:' ? '; Secure' : '';
    document.cookie = 'varai_session=' + id + '; path=/; max-age=2592000; SameSite=Lax' + secure;
}());
