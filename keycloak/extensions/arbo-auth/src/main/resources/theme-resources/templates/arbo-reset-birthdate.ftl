<#-- Reset-credentials step arbo-reset-birthdate: e-mail address + birth date. -->
<#import "template.ftl" as layout>
<@layout.registrationLayout displayInfo=true displayMessage=true; section>
    <#if section = "header">
        ${msg("emailForgotTitle")}
    <#elseif section = "form">
        <form id="kc-arbo-reset-form" class="${properties.kcFormClass!}" action="${url.loginAction}" method="post">
            <div class="${properties.kcFormGroupClass!}">
                <div class="${properties.kcFormGroupLabelClass!}">
                    <label for="email" class="${properties.kcFormLabelClass!}">
                        <span class="${properties.kcFormLabelTextClass!}">${msg("email")}</span>
                    </label>
                </div>
                <span class="${properties.kcInputClass!}">
                    <input id="email" name="email" type="email" autocomplete="email" value="${(email!'')}" autofocus/>
                </span>
            </div>
            <div class="${properties.kcFormGroupClass!}">
                <div class="${properties.kcFormGroupLabelClass!}">
                    <label for="birthDate" class="${properties.kcFormLabelClass!}">
                        <span class="${properties.kcFormLabelTextClass!}">${msg("arbo-reset-birthdate-label")}</span>
                    </label>
                </div>
                <span class="${properties.kcInputClass!}">
                    <input id="birthDate" name="birthDate" type="text" inputmode="numeric" autocomplete="bday"
                           placeholder="${msg("arbo-reset-birthdate-placeholder")}"/>
                </span>
            </div>
            <div class="${properties.kcFormGroupClass!}">
                <button id="kc-arbo-reset-submit" type="submit"
                        class="${properties.kcButtonPrimaryClass!} ${properties.kcButtonBlockClass!}">
                    ${msg("doSubmit")}
                </button>
                <a id="kc-arbo-back-to-login" href="${url.loginUrl}"
                   class="${properties.kcButtonSecondaryClass!} ${properties.kcButtonBlockClass!}">${msg("backToLogin")}</a>
            </div>
        </form>
    <#elseif section = "info">
        ${msg("arbo-reset-info")}
    </#if>
</@layout.registrationLayout>
