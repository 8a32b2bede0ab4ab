<#-- Required action arbo-choose-2fa, SMS branch: confirm the dossier number (shown masked) or
     enter one, then prove it with the code that was sent. -->
<#import "template.ftl" as layout>
<@layout.registrationLayout displayMessage=true displayInfo=true; section>
    <#if section = "header">
        ${msg("arbo-sms-setup-title")}
    <#elseif section = "form">
        <form id="kc-arbo-sms-setup-form" class="${properties.kcFormClass!}" action="${url.loginAction}" method="post">
            <#if needsPhone>
                <div class="${properties.kcFormGroupClass!}">
                    <div class="${properties.kcFormGroupLabelClass!}">
                        <label for="mobile" class="${properties.kcFormLabelClass!}">
                            <span class="${properties.kcFormLabelTextClass!}">${msg("arbo-sms-setup-mobile-label")}</span>
                        </label>
                    </div>
                    <span class="${properties.kcInputClass!}">
                        <input id="mobile" name="mobile" type="tel" autocomplete="tel" value="${(mobile!'')}"
                               placeholder="06 12345678" autofocus/>
                    </span>
                    <p class="${properties.kcFormHelperTextClass!}">${msg("arbo-sms-setup-mobile-help")}</p>
                </div>
                <div class="${properties.kcFormGroupClass!}">
                    <button id="kc-arbo-sms-phone" name="action" value="phone" type="submit"
                            class="${properties.kcButtonPrimaryClass!} ${properties.kcButtonBlockClass!}" <#if !canSend>disabled</#if>>
                        ${msg("arbo-sms-send")}
                    </button>
                </div>
            <#else>
                <div class="${properties.kcFormGroupClass!}">
                    <p id="arbo-sms-phone">
                        <#if fromDossier>${msg("arbo-sms-setup-dossier", maskedPhone)}<#else>${msg("arbo-sms-login-phone", maskedPhone)}</#if>
                    </p>
                    <button id="kc-arbo-sms-send" name="action" value="send" type="submit" formnovalidate
                            class="<#if codeSent>${properties.kcButtonSecondaryClass!}<#else>${properties.kcButtonPrimaryClass!}</#if> ${properties.kcButtonBlockClass!}"
                            <#if !canSend>disabled</#if>>
                        <#if codeSent>${msg("arbo-sms-resend")}<#else>${msg("arbo-sms-send")}</#if>
                    </button>
                </div>
                <div class="${properties.kcFormGroupClass!}">
                    <div class="${properties.kcFormGroupLabelClass!}">
                        <label for="code" class="${properties.kcFormLabelClass!}">
                            <span class="${properties.kcFormLabelTextClass!}">${msg("arbo-sms-code-label")}</span>
                        </label>
                    </div>
                    <span class="${properties.kcInputClass!}">
                        <input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code"
                               maxlength="6" pattern="[0-9 ]*" <#if codeSent>autofocus</#if>/>
                    </span>
                </div>
                <div class="${properties.kcFormGroupClass!}">
                    <button id="kc-arbo-sms-validate" name="action" value="validate" type="submit"
                            class="${properties.kcButtonPrimaryClass!} ${properties.kcButtonBlockClass!}">
                        ${msg("arbo-validate")}
                    </button>
                </div>
            </#if>
            <div class="${properties.kcFormGroupClass!}">
                <button id="kc-arbo-back" name="action" value="back" type="submit" formnovalidate
                        class="${properties.kcButtonSecondaryClass!} ${properties.kcButtonBlockClass!}">
                    ${msg("arbo-choose-other")}
                </button>
                <#if isAppInitiatedAction??>
                    <button id="kc-arbo-cancel" name="cancel-aia" value="true" type="submit" formnovalidate
                            class="${properties.kcButtonSecondaryClass!} ${properties.kcButtonBlockClass!}">
                        ${msg("doCancel")}
                    </button>
                </#if>
            </div>
        </form>
    <#elseif section = "info">
        ${msg("arbo-sms-login-info", ttlMinutes, resendsLeft)}
    </#if>
</@layout.registrationLayout>
