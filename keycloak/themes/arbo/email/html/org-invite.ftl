<#import "template.ftl" as layout>
<#import "/arbo-common.ftl" as arbo>
<#-- Invitation to join an organisation (employer). Variables from Keycloak: link,
     linkExpiration (minutes), organization, realmName; firstName/lastName when known. -->
<@layout.emailLayout>
    <@layout.paragraph>${msg("arboInviteIntro", arbo.brandName(), organization.name)}</@layout.paragraph>

    <@layout.heading msg("arboInviteCreateHeading")/>
    <@layout.paragraph>${msg("arboInviteCreateText")}</@layout.paragraph>
    <@layout.button href=link label=msg("arboInviteLink", organization.name)/>

    <@layout.note msg("arboInviteValidity", arbo.linkValidity())/>

    <@layout.heading msg("arboHelpHeading")/>
    <#if arbo.supportEmail()?has_content>
        <@layout.paragraph>${msg("arboInviteHelpText")} ${msg("arboHelpMailUs")} <a href="mailto:${arbo.supportEmail()}" style="color:${layout.primary};">${arbo.supportEmail()}</a>.</@layout.paragraph>
    <#else>
        <@layout.paragraph>${msg("arboInviteHelpText")} ${msg("arboInviteHelpSuperuser")}</@layout.paragraph>
    </#if>
</@layout.emailLayout>
