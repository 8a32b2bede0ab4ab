<#-- Per-realm branding. Values are realm localization texts (realm "localizationTexts",
     or Admin console > Realm settings > Localization > Realm overrides); the defaults
     live in messages_en.properties, the locale every other locale falls back to.
     The arbodienst name is arboBrandName, else the realm's display name. -->

<#-- A colour from a realm text, or the fallback when it is not a plain hex colour.
     Only #rgb / #rrggbb pass, so a realm text can never inject CSS. -->
<#-- A realm text, trimmed. Note: msg() runs it through MessageFormat like every Keycloak
     text, so a stray "{" in a realm override breaks the page (as it would for any key). -->
<#function text key>
    <#return msg(key)?trim>
</#function>

<#function color key fallback>
    <#local value = text(key)>
    <#if value?matches("#[0-9a-fA-F]{3}|#[0-9a-fA-F]{6}")>
        <#return value>
    </#if>
    <#return fallback>
</#function>

<#-- The logo: an absolute http(s) URL or a path on this server. Anything else (also the
     empty default) means the theme's own logo, drawn in the brand colour. -->
<#function logoUrl>
    <#return text("arboBrandLogoUrl")>
</#function>

<#function hasLogo>
    <#return logoUrl()?matches("(https?://|/)[^\\s\"'<>]+")>
</#function>

<#-- The arbodienst's name: realm text arboBrandName if set, else the realm's display name. -->
<#function name>
    <#local brandName = text("arboBrandName")>
    <#if brandName?has_content>
        <#return brandName>
    </#if>
    <#return realm.displayName!realm.name>
</#function>

<#macro styles>
    <style>
        :root {
            --arbo-primary: ${color("arboBrandPrimaryColor", "#00616e")};
            --arbo-background: ${color("arboBrandBackgroundColor", "#eef3f4")};
        }
    </style>
</#macro>

<#macro header>
    <div id="kc-header-wrapper" class="pf-v5-c-brand arbo-brand">
        <#if hasLogo()>
            <img class="arbo-brand__logo" src="${logoUrl()}" alt="" />
        <#else>
            <#-- Default logo inline, so it takes the realm's brand colour. Decorative:
                 the name next to it says who this is. -->
            <svg class="arbo-brand__logo" viewBox="0 0 48 48" width="48" height="48" aria-hidden="true" focusable="false">
                <path d="M24 3 L42 9 V23 C42 34 34.5 41.5 24 45 C13.5 41.5 6 34 6 23 V9 Z" fill="var(--arbo-primary)"/>
                <path d="M21 14 H27 V21 H34 V27 H27 V34 H21 V27 H14 V21 H21 Z" fill="#ffffff"/>
            </svg>
        </#if>
        <span class="arbo-brand__name">${name()}</span>
    </div>
</#macro>
