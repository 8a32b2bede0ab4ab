<#-- What to do when a link from an e-mail no longer works. Keycloak shows these
     messages for an expired or already used action token (invitation, password reset,
     welcome e-mail) without saying what to do next; this adds the next step.
     All three cases are rendered; js/arbo-page.js keeps only the one matching the
     link's token type, so without JavaScript the user still sees every option. -->
<#assign linkProblemKeys = [
    "expiredActionTokenNoSessionMessage",
    "expiredActionTokenSessionExistsMessage",
    "expiredActionMessage",
    "staleInviteOrgLink",
    "invalidCodeMessage"
]>

<#function isLinkProblem>
    <#if !(message?? && message.summary?has_content)>
        <#return false>
    </#if>
    <#list linkProblemKeys as key>
        <#if message.summary == msg(key)>
            <#return true>
        </#if>
    </#list>
    <#return false>
</#function>

<#macro help>
    <#if isLinkProblem()>
        <section id="arbo-link-expired" class="arbo-link-expired" aria-labelledby="arbo-link-expired-title">
            <h2 id="arbo-link-expired-title" class="pf-v5-c-title pf-m-lg">${msg("arboLinkExpiredWhatNow")}</h2>
            <ul class="pf-v5-c-list">
                <li data-arbo-token-type="ORGIVT">${msg("arboLinkExpiredInvitation")}</li>
                <li data-arbo-token-type="reset-credentials">${msg("arboLinkExpiredReset", realm.resetCredentialsActionTokenLifespanMinutes?c)}</li>
                <li data-arbo-token-type="execute-actions">${msg("arboLinkExpiredWelcome")}</li>
            </ul>
            <p class="arbo-link-expired__actions">
                <a id="arbo-forgot-password" href="${url.loginResetCredentialsUrl}">${msg("doForgotPassword")}</a>
            </p>
        </section>
    </#if>
</#macro>
