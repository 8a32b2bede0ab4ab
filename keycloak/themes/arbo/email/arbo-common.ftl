<#-- Shared by the HTML and plain-text e-mails. Keycloak gives e-mail templates no realm
     bean, only `realmName` (display name, else the capitalised realm name) and `msg`,
     which includes the realm's localization texts - so branding comes from those. -->

<#-- The recipient's last name, or "" when unknown. The invitation passes firstName and
     lastName only when both are known; other e-mails have the user's profile. -->
<#function lastNameOrEmpty>
    <#if lastName?? && lastName?has_content>
        <#local name = lastName>
    <#elseif user?? && user.lastName?? && user.lastName?has_content>
        <#local name = user.lastName>
    <#else>
        <#return "">
    </#if>
    <#-- Dutch writes "heer/mevrouw Van Basten": the prefix takes a capital without a first name. -->
    <#if locale?? && locale.language == "nl">
        <#return name?trim?cap_first>
    </#if>
    <#return name?trim>
</#function>

<#-- A realm text, trimmed (MessageFormat applies: no stray "{" in realm overrides). -->
<#function text key>
    <#return msg(key)?trim>
</#function>

<#-- The arbodienst's name: realm text arboBrandName if set, else realmName (the realm's
     display name, else its capitalised name - never null). -->
<#function brandName>
    <#local value = text("arboBrandName")>
    <#if value?has_content>
        <#return value>
    </#if>
    <#return realmName>
</#function>

<#function greeting>
    <#local name = lastNameOrEmpty()>
    <#if name?has_content>
        <#return msg("arboGreetingNamed", name)>
    </#if>
    <#return msg("arboGreeting")>
</#function>

<#function linkValidity>
    <#return linkExpirationFormatter(linkExpiration)>
</#function>

<#-- Optional help address (realm text arboBrandSupportEmail); "" when not set or not an address. -->
<#function supportEmail>
    <#local value = text("arboBrandSupportEmail")>
    <#if value?matches("[^@\\s<>\"']+@[^@\\s<>\"']+\\.[A-Za-z]{2,}")>
        <#return value>
    </#if>
    <#return "">
</#function>

<#function color key fallback>
    <#local value = text(key)>
    <#if value?matches("#[0-9a-fA-F]{3}|#[0-9a-fA-F]{6}")>
        <#return value>
    </#if>
    <#return fallback>
</#function>

<#-- Mail clients need an absolute https URL for an image; otherwise the header shows the name only. -->
<#function logoUrl>
    <#local value = text("arboBrandLogoUrl")>
    <#if value?matches("https://[^\\s\"'<>]+")>
        <#return value>
    </#if>
    <#return "">
</#function>

<#function hasAction name>
    <#return requiredActions?? && requiredActions?seq_contains(name)>
</#function>

<#-- The welcome mail's wording per audience: "Professional" for the arbodienst's own people (company
     doctor, casemanager), who belong to no employer in Keycloak (app/keycloak/professionals.py); ""
     for employees and employers' people, who are members of their employer's organization. -->
<#function audience>
    <#if user?? && !(user.organizations?has_content)>
        <#return "Professional">
    </#if>
    <#return "">
</#function>
