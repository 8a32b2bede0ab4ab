<#-- Lost phone: on the second-factor pages (app code, SMS code) a direct way to the recovery-code
     form, for users who have recovery codes. Keycloak lists the form among the user's alternatives
     (auth.authenticationSelections) only when the user has codes; posting its execution id to the
     page's own action switches to it, exactly as the stock "Try another way" list does. -->
<#function recoverySelection>
    <#if !(pageId?? && ["login-otp", "arbo-sms-login"]?seq_contains(pageId)) || !(auth?has_content)>
        <#return "">
    </#if>
    <#list (auth.authenticationSelections)![] as selection>
        <#if ["recovery-authn-codes-display-name", "auth-recovery-authn-code-form-display-name"]?seq_contains(selection.displayName!"")>
            <#return selection.authExecId>
        </#if>
    </#list>
    <#return "">
</#function>

<#macro link>
    <#local execution = recoverySelection()>
    <#if execution?has_content>
        <form id="arbo-recovery-form" action="${url.loginAction}" method="post" novalidate="novalidate">
            <input type="hidden" name="authenticationExecution" value="${execution}"/>
            <button id="arbo-use-recovery-code" type="submit"
                    class="${properties.kcButtonLinkClass!} ${properties.kcMarginTopClass!}">${msg("arboUseRecoveryCode")}</button>
        </form>
    </#if>
</#macro>
