<#ftl output_format="plainText">
<#import "template.ftl" as layout>
<#import "/arbo-common.ftl" as arbo>
<@layout.emailLayout>
${msg("arboInviteIntro", arbo.brandName(), organization.name)}

${msg("arboInviteCreateHeading")}
${msg("arboInviteCreateText")}

${msg("arboInviteLink", organization.name)}:
${link}

${msg("arboNoteLabel")} ${msg("arboInviteValidity", arbo.linkValidity())}

${msg("arboHelpHeading")}
${msg("arboInviteHelpText")} <#if arbo.supportEmail()?has_content>${msg("arboHelpMailUs")} ${arbo.supportEmail()}.<#else>${msg("arboInviteHelpSuperuser")}</#if>

</@layout.emailLayout>
