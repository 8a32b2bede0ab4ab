<#import "template.ftl" as layout>
<#import "/arbo-common.ftl" as arbo>
<#-- Forgot password. Variables from Keycloak: link, linkExpiration (minutes), realmName, user. -->
<@layout.emailLayout>
    <@layout.paragraph>${msg("arboResetIntro", arbo.brandName())}</@layout.paragraph>
    <@layout.button href=link label=msg("arboResetLink")/>

    <@layout.note msg("arboResetValidity", arbo.linkValidity())/>

    <@layout.heading msg("arboHelpHeading")/>
    <#if arbo.supportEmail()?has_content>
        <@layout.paragraph>${msg("arboResetHelpText")} ${msg("arboHelpMailUs")} <a href="mailto:${arbo.supportEmail()}" style="color:${layout.primary};">${arbo.supportEmail()}</a>.</@layout.paragraph>
    <#else>
        <@layout.paragraph>${msg("arboResetHelpText")} ${msg("arboResetHelpSelf")}</@layout.paragraph>
    </#if>

    <@layout.paragraph>${msg("arboResetIgnore")}</@layout.paragraph>
</@layout.emailLayout>
