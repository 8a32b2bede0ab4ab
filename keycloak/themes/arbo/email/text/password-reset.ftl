<#ftl output_format="plainText">
<#import "template.ftl" as layout>
<#import "/arbo-common.ftl" as arbo>
<@layout.emailLayout>
${msg("arboResetIntro", arbo.brandName())}

${msg("arboResetLink")}:
${link}

${msg("arboNoteLabel")} ${msg("arboResetValidity", arbo.linkValidity())}

${msg("arboHelpHeading")}
${msg("arboResetHelpText")} <#if arbo.supportEmail()?has_content>${msg("arboHelpMailUs")} ${arbo.supportEmail()}.<#else>${msg("arboResetHelpSelf")}</#if>

${msg("arboResetIgnore")}

</@layout.emailLayout>
