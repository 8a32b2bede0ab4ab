<#-- The realm's password policy as a checklist, shown on the pages where a new password
     is chosen, so nobody has to fail a rule to learn it. Keycloak passes the policy to
     every login page as `passwordPolicies` (PasswordPoliciesBean); unset rules are null. -->
<#assign pagesWithNewPassword = ["register", "login-update-password"]>

<#-- "1 hoofdletter" / "2 hoofdletters": MessageFormat choice formats do not work through
     msg() (arguments arrive as text), so singular and plural are separate keys. -->
<#function counted key n>
    <#if n == 1>
        <#return msg(key + "One")>
    </#if>
    <#return msg(key + "Many", n?c)>
</#function>

<#-- No box at all when the realm has no password policy that we can explain. -->
<#function hasRules p>
    <#return p.length?? || p.maxLength?? || p.upperCase?? || p.lowerCase?? || p.digits??
        || p.specialChars?? || p.notEmail || p.notUsername || (p.passwordHistory?? && pageId != "register")>
</#function>

<#macro list>
    <#if passwordPolicies?? && pageId?? && pagesWithNewPassword?seq_contains(pageId) && hasRules(passwordPolicies)>
        <#assign p = passwordPolicies>
        <div id="arbo-password-rules" class="pf-v5-c-alert pf-m-info pf-m-inline arbo-password-rules">
            <div class="pf-v5-c-alert__icon"><span class="${properties.kcFeedbackInfoIcon!}" aria-hidden="true"></span></div>
            <p class="pf-v5-c-alert__title" id="arbo-password-rules-title">${msg("arboPasswordRulesTitle")}</p>
            <div class="pf-v5-c-alert__description">
                <ul aria-labelledby="arbo-password-rules-title">
                    <#if p.length?? && p.maxLength??>
                        <li data-rule="length">${msg("arboPasswordRuleLengthRange", p.length?c, p.maxLength?c)}</li>
                    <#elseif p.length??>
                        <li data-rule="length">${msg("arboPasswordRuleLength", p.length?c)}</li>
                    <#elseif p.maxLength??>
                        <li data-rule="maxLength">${msg("arboPasswordRuleMaxLength", p.maxLength?c)}</li>
                    </#if>
                    <#if p.upperCase??><li data-rule="upperCase">${counted("arboPasswordRuleUpperCase", p.upperCase)}</li></#if>
                    <#if p.lowerCase??><li data-rule="lowerCase">${counted("arboPasswordRuleLowerCase", p.lowerCase)}</li></#if>
                    <#if p.digits??><li data-rule="digits">${counted("arboPasswordRuleDigits", p.digits)}</li></#if>
                    <#if p.specialChars??><li data-rule="specialChars">${counted("arboPasswordRuleSpecialChars", p.specialChars)}</li></#if>
                    <#-- With e-mail as username the two rules say the same thing: say it once. -->
                    <#if p.notEmail || (p.notUsername && realm.registrationEmailAsUsername)>
                        <li data-rule="notEmail">${msg("arboPasswordRuleNotEmail")}</li>
                    </#if>
                    <#if p.notUsername && !realm.registrationEmailAsUsername>
                        <li data-rule="notUsername">${msg("arboPasswordRuleNotUsername")}</li>
                    </#if>
                    <#-- History only matters when replacing a password, not when registering. -->
                    <#if p.passwordHistory?? && pageId != "register">
                        <li data-rule="passwordHistory">${msg("arboPasswordRuleHistory", p.passwordHistory?c)}</li>
                    </#if>
                </ul>
            </div>
        </div>
    </#if>
</#macro>
