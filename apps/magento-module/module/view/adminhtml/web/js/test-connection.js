/**
 * The config page's "Test Connection" button (data-mage-init): posts the scope with the admin
 * form key and shows VARAi's answer as an admin message. No jQuery needed.
 */
define([], function () {
    'use strict';

    return function (config, element) {
        var button = element.querySelector('.varai-test-connection-button');
        var result = element.querySelector('.varai-test-connection-result');

        function show(ok, text) {
            result.hidden = false;
            result.className = 'message varai-test-connection-result ' + (ok ? 'message-success success' : 'message-error error');
            result.textContent = text;
        }

        button.addEventListener('click', function () {
            var body = new FormData();
            body.append('form_key', window.FORM_KEY || '');
            body.append('store', String(config.store || 0));
            body.append('website', String(config.website || 0));
            button.disabled = true;
            fetch(config.url, { method: 'POST', body: body, credentials: 'same-origin', headers: { 'X-Requested-With': 'XMLHttpRequest' } })
                .then(function (response) { return response.json(); })
                .then(function (answer) { show(Boolean(answer.ok), String(answer.message)); })
                .catch(function (error) { show(false, 'The test could not run: ' + error.message); })
                .then(function () { button.disabled = false; });
        });
    };
});
