<#-- Support contact: who a user can call or mail when signing in fails. Values come from the
     realm attributes arboSupportEmail / arboSupportPhone (realm-export.json fills them from
     ARBO_SUPPORT_EMAIL / ARBO_SUPPORT_PHONE); an empty or missing attribute falls back to the
     theme's default text, so the block is never empty. -->

<#-- Pages where a user can get stuck: username/password and the SMS steps. -->
<#function shown>
    <#return pageId?? && ["login", "login-username", "login-password", "arbo-sms-login", "arbo-sms-setup"]?seq_contains(pageId)>
</#function>

<#function value attribute defaultKey>
    <#local v = (realm.getAttribute(attribute))!"">
    <#if v?trim?has_content>
        <#return v?trim>
    </#if>
    <#return msg(defaultKey)?trim>
</#function>

<#macro help>
    <#if shown()>
        <#local email = value("arboSupportEmail", "arboSupportEmailDefault")>
        <#local phone = value("arboSupportPhone", "arboSupportPhoneDefault")>
        <div id="arbo-support" class="arbo-support">
            <#if pageId == "login" || pageId == "login-username">
                <p id="arbo-first-login">${msg("arboFirstLoginHelp")}</p>
            </#if>
            <p>${msg("arboSupportIntro")}
                <a id="arbo-support-email" href="mailto:${email}">${email}</a>
                ${msg("arboSupportOr")}
                <a id="arbo-support-phone" href="tel:${phone?replace("[^0-9+]", "", "r")}">${phone}</a>.
            </p>
        </div>
    </#if>
</#macro>
